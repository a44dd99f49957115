// kubectl sends typed creates (`create namespace`, `create configmap`, ...) as protobuf with no JSON
// fallback. The decoder lives in ./protobuf/ (written separately); it is loaded when present, and
// without it such requests get 415 like a server that does not speak protobuf.
import type { KubeObject } from '../../src/core/model/object.ts';
import { unsupportedMediaType } from './status.ts';

type Decoder = (body: Buffer) => KubeObject;

let decoder: Decoder | undefined;
try {
  const path = './protobuf/index.ts';
  const mod = (await import(path)) as { decodeKubeProtobuf?: Decoder };
  decoder = mod.decodeKubeProtobuf;
} catch {
  decoder = undefined;
}

export function decodeProtobufBody(buf: Buffer): KubeObject {
  if (!decoder) throw unsupportedMediaType('application/vnd.kubernetes.protobuf');
  return decoder(buf);
}
