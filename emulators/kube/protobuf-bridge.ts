// kubectl sends typed creates (`create namespace`, `create configmap`, ...) as protobuf with no JSON
// fallback; ./protobuf/ decodes them into plain JSON objects. Decoding failures answer 400 like the
// API server's "error decoding body".
import type { KubeObject } from '../../src/core/model/object.ts';
import { decodeKubeProtobuf } from './protobuf/index.ts';
import { badRequest } from './status.ts';

export function decodeProtobufBody(buf: Buffer): KubeObject {
  try {
    return decodeKubeProtobuf(buf);
  } catch (e) {
    throw badRequest(`error decoding protobuf body: ${(e as Error).message}`);
  }
}
