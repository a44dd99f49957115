// Typed errors of the merge operations, carrying the HTTP status and reason the API server answers
// with, so the emulator's HTTP layer maps them one to one into a metav1.Status.
/** '' for the 500s the API server answers without a reason. */
export type MergeReason = 'BadRequest' | 'Invalid' | 'Conflict' | 'UnsupportedMediaType' | '';

export class MergeError extends Error {
  readonly status: number;
  readonly reason: MergeReason;
  readonly details?: Record<string, unknown>;
  constructor(status: number, reason: MergeReason, message: string, details?: Record<string, unknown>) {
    super(message);
    if (details) this.details = details;
    this.name = 'MergeError';
    this.status = status;
    this.reason = reason;
  }
}

export interface ApplyConflict {
  manager: string;
  operation?: 'Apply' | 'Update';
  /** `.spec.replicas`, `.spec.template.spec.containers[name="nginx"].image` */
  path: string;
  apiVersion?: string;
  subresource?: string;
}

/** 409 from server-side apply: fields owned by other managers would change. */
export class ApplyConflictError extends MergeError {
  readonly conflicts: ApplyConflict[];
  constructor(conflicts: ApplyConflict[]) {
    super(409, 'Conflict', conflictMessage(conflicts));
    this.name = 'ApplyConflictError';
    this.conflicts = conflicts;
  }

  /** metav1.Status details.causes, as the API server lists them. */
  causes(): Array<{ reason: 'FieldManagerConflict'; message: string; field: string }> {
    return this.conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${managerLabel(c)}`, field: c.path }));
  }
}

// Only Update managers are named with their apiVersion (fieldmanager's printManager).
function managerLabel(c: ApplyConflict): string {
  const using = c.operation !== 'Apply' && c.apiVersion ? ` using ${c.apiVersion}` : '';
  return `"${c.manager}"${c.subresource ? ` with subresource "${c.subresource}"` : ''}${using}`;
}

// Same wording as apiserver's fieldmanager (internal/conflict.go), which kubectl prints verbatim.
function conflictMessage(conflicts: ApplyConflict[]): string {
  const groups = new Map<string, ApplyConflict[]>();
  for (const c of conflicts) {
    const label = managerLabel(c);
    groups.set(label, [...(groups.get(label) ?? []), c]);
  }
  const n = conflicts.length;
  const head = `Apply failed with ${n} conflict${n === 1 ? '' : 's'}: `;
  if (n === 1) return `${head}conflict with ${managerLabel(conflicts[0]!)}: ${conflicts[0]!.path}`;
  const parts = [...groups].map(([label, cs]) => `conflicts with ${label}:\n${cs.map((c) => `- ${c.path}`).join('\n')}`);
  return head + parts.join('\n');
}
