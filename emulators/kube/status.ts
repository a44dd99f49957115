// metav1.Status failures as the API server returns them (apimachinery pkg/api/errors).
import { qualifiedKind, qualifiedResource } from './resources.ts';

export interface StatusCause { reason: string; message: string; field?: string }

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: { name?: string; group?: string; kind?: string; causes?: StatusCause[]; retryAfterSeconds?: number },
  ) {
    super(message);
  }
  toStatus(): Record<string, unknown> {
    const s: Record<string, unknown> = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message };
    if (this.reason) s.reason = this.reason;
    if (this.details) s.details = this.details;
    s.code = this.code;
    return s;
  }
}

type R = { group: string; plural: string };

export const notFound = (r: R, name: string) =>
  new ApiError(404, 'NotFound', `${qualifiedResource(r)} "${name}" not found`, { name, group: r.group || undefined, kind: r.plural });

export const alreadyExists = (r: R, name: string) =>
  new ApiError(409, 'AlreadyExists', `${qualifiedResource(r)} "${name}" already exists`, { name, group: r.group || undefined, kind: r.plural });

export const conflict = (r: R, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again') =>
  new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(r)} "${name}": ${why}`, { name, group: r.group || undefined, kind: r.plural });

export const badRequest = (message: string) => new ApiError(400, 'BadRequest', message);

export const methodNotAllowed = () => new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');

export const unsupportedMediaType = (ct: string) => new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf, application/apply-patch+yaml, application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got ${ct})`);

/** PATCH with a media type the resource does not take; custom resources take no strategic merge patch. */
export const patchTypeUnsupported = (customResource: boolean) => new ApiError(415, 'UnsupportedMediaType',
  `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml${customResource ? '' : ', application/strategic-merge-patch+json'}`);

export const gone = (message: string) => new ApiError(410, 'Expired', message);

export const pageNotFound = () => new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});

/** A field error; `goValue` is the bad value as Go's %#v prints it, when it is not a string/number/bool. */
export interface FieldError { field: string; type: 'Invalid' | 'Required' | 'Forbidden' | 'Unsupported' | 'Duplicate'; value?: unknown; goValue?: string; detail: string }

const quoteValue = (e: FieldError) => e.goValue ?? (typeof e.value === 'string' ? JSON.stringify(e.value) : JSON.stringify(e.value ?? null));

function fieldErrorText(e: FieldError): string {
  switch (e.type) {
    case 'Required': return `Required value${e.detail ? `: ${e.detail}` : ''}`;
    case 'Forbidden': return `Forbidden: ${e.detail}`;
    case 'Unsupported': return `Unsupported value: ${quoteValue(e)}${e.detail ? `: ${e.detail}` : ''}`;
    case 'Duplicate': return `Duplicate value: ${quoteValue(e)}`;
    default: return `Invalid value: ${quoteValue(e)}${e.detail ? `: ${e.detail}` : ''}`;
  }
}

const CAUSE_REASON: Record<FieldError['type'], string> = {
  Invalid: 'FieldValueInvalid', Required: 'FieldValueRequired', Forbidden: 'FieldValueForbidden',
  Unsupported: 'FieldValueNotSupported', Duplicate: 'FieldValueDuplicate',
};

/** 422 Invalid: `Deployment.apps "web" is invalid: spec.selector: Invalid value: ...: field is immutable`. */
export function invalid(r: { group: string; kind: string }, name: string, errors: FieldError[]): ApiError {
  // ErrorList.ToAggregate drops repeated messages.
  const parts = [...new Set(errors.map((e) => `${e.field}: ${fieldErrorText(e)}`))];
  const list = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  return new ApiError(422, 'Invalid', `${qualifiedKind(r)} "${name}" is invalid: ${list}`, {
    name, group: r.group || undefined, kind: r.kind,
    causes: errors.map((e) => ({ reason: CAUSE_REASON[e.type], message: fieldErrorText(e), field: e.field })),
  });
}

export function namespaceTerminating(r: R, name: string, ns: string): ApiError {
  return new ApiError(403, 'Forbidden', `${qualifiedResource(r)} "${name}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`, {
    name, group: r.group || undefined, kind: r.plural,
    causes: [{ reason: 'NamespaceTerminating', message: `namespace ${ns} is being terminated`, field: 'metadata.namespace' }],
  });
}
