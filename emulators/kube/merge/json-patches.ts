// JSON merge patch (RFC 7386) and JSON patch (RFC 6902 via fast-json-patch), with the API server's
// error statuses: an undecodable patch is 400, a patch that cannot be applied (a failed `test`, a
// missing path) is 422.
import fastJsonPatch from 'fast-json-patch';
import type { KubeObject } from '../../../src/core/model/object.ts';
import { MergeError } from './errors.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function jsonMergePatch(live: KubeObject, patch: unknown): KubeObject {
  if (!isObj(patch)) throw new MergeError(400, 'BadRequest', 'merge patch must be a JSON object');
  return mergePatch(live, patch) as KubeObject;
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return structuredClone(patch);
  const out: Obj = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

export function jsonPatch(live: KubeObject, ops: unknown): KubeObject {
  if (!Array.isArray(ops)) throw new MergeError(400, 'BadRequest', 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  for (const op of ops) {
    if (!isObj(op) || typeof op.op !== 'string' || !OPS.has(op.op) || typeof op.path !== 'string') {
      throw new MergeError(400, 'BadRequest', `invalid JSON patch operation: ${JSON.stringify(op)}`);
    }
  }
  try {
    const res = fastJsonPatch.applyPatch(structuredClone(live), ops as fastJsonPatch.Operation[], true, false);
    return res.newDocument as KubeObject;
  } catch (e) {
    if (!(e instanceof fastJsonPatch.JsonPatchError)) throw e;
    // kube-apiserver 1.36 answers a patch that cannot be applied with this bare 422 (empty details)
    throw new MergeError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
  }
}
