// The one sticky PR comment has two writers: the plan job (everything but the preview section) and the
// preview job (only its section). Both write under the PR's comment lease and carry the other's part
// over from the live comment, so neither erases what the other wrote.
import { MARKER, findMarker } from '../src/core/report/pr-comment.ts';
import { PREVIEW_END, PREVIEW_START, withPreviewSection } from '../src/core/report/preview.ts';
import type { RepoClient } from '../src/github/client.ts';
import type { WorkerDeps } from './deps.ts';

/** `#` cannot occur in app names, so this lease never collides with an app's. */
const commentLease = (pr: number) => `#pr-${pr}`;

/** The preview section of a comment body ('' when it has none). */
export function previewSectionOf(body: string): string {
  const start = body.indexOf(PREVIEW_START);
  const end = body.indexOf(PREVIEW_END);
  return start >= 0 && end > start ? `${body.slice(start, end + PREVIEW_END.length)}\n` : '';
}

async function underLease<T>(deps: Pick<WorkerDeps, 'locks'>, repo: string, pr: number, fn: () => Promise<T>): Promise<T> {
  const lease = await deps.locks.acquireWithin(repo, commentLease(pr), 30_000);
  try {
    return await fn();
  } finally {
    await lease?.release();
  }
}

/** The plan's body, keeping the preview section the live comment has. */
export async function upsertPlanComment(gh: RepoClient, deps: Pick<WorkerDeps, 'locks'>, pr: number, body: string, createIfMissing: boolean): Promise<string> {
  return underLease(deps, gh.fullName, pr, async () => {
    const existing = await gh.findComment(pr, (b) => findMarker(b));
    return gh.upsertStickyComment(pr, withPreviewSection(body, existing ? previewSectionOf(existing.body) : ''), (b) => findMarker(b), createIfMissing);
  });
}

/** Replace the preview section of the sticky comment (created with just the section when there is none yet). */
export async function upsertPreviewSection(gh: RepoClient, deps: Pick<WorkerDeps, 'locks'>, pr: number, section: string): Promise<string> {
  return underLease(deps, gh.fullName, pr, async () => {
    const existing = await gh.findComment(pr, (b) => findMarker(b));
    if (!existing && !section) return 'skipped';
    return gh.upsertStickyComment(pr, withPreviewSection(existing?.body ?? `${MARKER}\n`, section), (b) => findMarker(b), true);
  });
}
