// Kubernetes protobuf request bodies (kubectl's typed creates) decoded to JSON objects.
export { decodeKubeProtobuf, readEnvelope, type Envelope } from './decode.ts';
