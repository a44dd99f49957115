// Errors with GitHub's response shape: {message, errors?, documentation_url, status} (status is a string).
export class GitHubHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: { errors?: unknown[]; headers?: Record<string, string>; documentationUrl?: string } = {},
  ) {
    super(message);
    this.name = 'GitHubHttpError';
  }

  body(defaultDoc: string): Record<string, unknown> {
    const b: Record<string, unknown> = { message: this.message };
    if (this.extra.errors) b.errors = this.extra.errors;
    b.documentation_url = this.extra.documentationUrl ?? defaultDoc;
    b.status = String(this.status);
    return b;
  }
}

export const notFound = () => new GitHubHttpError(404, 'Not Found');

/** 422 "Validation Failed" with GitHub's structured errors (resource/field/code). */
export function validationFailed(errors: Array<{ resource: string; field?: string; code: string; message?: string }>): GitHubHttpError {
  return new GitHubHttpError(422, 'Validation Failed', { errors });
}
