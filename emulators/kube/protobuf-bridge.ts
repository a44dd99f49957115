// kubectl sends typed creates (`create namespace`, `create configmap`, `autoscale`, ...) as protobuf with
// no JSON fallback; ./protobuf/ decodes them into plain JSON objects. Decoder errors keep their status:
// 400 for a malformed body ("error decoding body"), 415 for a kind or content encoding we cannot decode.
import type { KubeObject } from '../../src/core/model/object.ts';
import { MergeError } from './merge/index.ts';
import { decodeKubeProtobuf } from './protobuf/index.ts';
import { ApiError, badRequest } from './status.ts';

export function decodeProtobufBody(buf: Buffer): KubeObject {
  try {
    return decodeKubeProtobuf(buf);
  } catch (e) {
    if (e instanceof MergeError && e.status !== 400) throw new ApiError(e.status, e.reason, e.message);
    throw badRequest(`error decoding protobuf body: ${(e as Error).message}`);
  }
}
