// Secret values never reach the terminal: the CLI prints Secrets with their data/stringData values
// replaced (keys kept, so the shape is still reviewable), and drops kubectl's last-applied copy.
import { parseApiVersion, type KubeObject } from '../core/model/object.ts';

export const MASK = '<masked>';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export function isSecret(obj: KubeObject): boolean {
  return obj.kind === 'Secret' && parseApiVersion(obj.apiVersion ?? '').group === '';
}

function maskValues(v: unknown): unknown {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
  return Object.fromEntries(Object.keys(v).map((k) => [k, MASK]));
}

/** A copy of `obj` safe to print. Non-Secrets are returned as they are. */
export function maskSecret(obj: KubeObject): KubeObject {
  if (!isSecret(obj)) return obj;
  const out: KubeObject = { ...obj };
  if ('data' in obj) out.data = maskValues(obj.data);
  if ('stringData' in obj) out.stringData = maskValues(obj.stringData);
  const ann = obj.metadata?.annotations;
  if (ann && LAST_APPLIED in ann) {
    out.metadata = { ...obj.metadata, annotations: { ...ann, [LAST_APPLIED]: MASK } };
  }
  return out;
}
