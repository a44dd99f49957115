// Lookups shared by handlers: the repository a request names (hidden unless the token's installation
// covers it, like GitHub) and a commit a ref names.
import type { Ctx } from '../context.ts';
import { GitHubHttpError, notFound } from '../http-error.ts';
import { resolveCommit } from '../git.ts';
import type { RepoRecord } from '../objects.ts';

export function repoOf(ctx: Ctx): RepoRecord {
  const r = ctx.state.repo(String(ctx.params.owner), String(ctx.params.repo));
  if (!r) throw notFound();
  if (ctx.auth.kind === 'installation' && ctx.auth.installationId !== r.installationId) throw notFound();
  return r;
}

/** The SHA a ref names; GitHub answers 422 "No commit found for SHA: x" for check runs and 404 elsewhere. */
export async function commitOf(r: RepoRecord, ref: string, missing: 'not_found' | 'no_commit' = 'not_found'): Promise<string> {
  const sha = (await resolveCommit(r.dir, ref)) ?? (ref.startsWith('refs/') ? undefined : await resolveCommit(r.dir, `refs/heads/${ref}`));
  if (sha) return sha;
  if (missing === 'no_commit') throw new GitHubHttpError(422, `No commit found for SHA: ${ref}`);
  throw new GitHubHttpError(404, `No commit found for the ref ${ref}`);
}

export function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}
