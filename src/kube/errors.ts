// Typed Kubernetes API errors: status code, the Status reason (NotFound, Conflict, Invalid, ...) and the
// API server's own message, so a user sees exactly what the server said (e.g. "field is immutable").
import { DriftguardError } from '../core/errors.ts';

export interface KubeApiDetails {
  status: number;
  reason: string;
  message: string;
  verb: string;
  path: string;
  [k: string]: unknown;
}

export function kubeApiError(status: number, body: unknown, verb: string, path: string, cause?: unknown): DriftguardError {
  const st = (typeof body === 'object' && body !== null ? body : {}) as { reason?: string; message?: string };
  const reason = st.reason ?? (status === 0 ? 'ConnectionError' : `HTTP${status}`);
  const message = st.message ?? (typeof body === 'string' && body ? body.slice(0, 500) : reason);
  const details: KubeApiDetails = { status, reason, message, verb, path };
  return new DriftguardError('KUBE_API', `${verb} ${path}: ${status ? `${status} ${reason}: ` : ''}${message}`, { details, cause });
}

export function kubeStatus(e: unknown): number | undefined {
  if (e instanceof DriftguardError && e.code === 'KUBE_API') return (e.details as KubeApiDetails | undefined)?.status;
  return undefined;
}

/** The API server's message (without our verb/path prefix), for per-resource reports. */
export function kubeMessage(e: unknown): string {
  if (e instanceof DriftguardError && e.code === 'KUBE_API') {
    const d = e.details as KubeApiDetails;
    return d.status ? `${d.status} ${d.reason}: ${d.message}` : d.message;
  }
  return e instanceof Error ? e.message : String(e);
}
