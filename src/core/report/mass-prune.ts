// The mass-prune guard as the GitHub App reports it. planSync refuses to prune more than half of an
// app (SYNC_REFUSED with details {prune, owned, resources}); the CLI confirms with a flag, the App
// with a comment command from a user with write access, which lifts the guard for one sync.
import { isDriftguardError } from '../errors.ts';
import { escapeMarkdown, inlineCode, shortSha } from './text.ts';

export interface MassPruneRefusal {
  prune: number;
  owned: number;
  /** The first resources that would be deleted (`Kind ns/name`). */
  resources: string[];
}

/** The refusal carried by a planSync error, or undefined for any other error. */
export function massPruneRefusal(e: unknown): MassPruneRefusal | undefined {
  if (!isDriftguardError(e) || e.code !== 'SYNC_REFUSED') return undefined;
  const d = e.details ?? {};
  if (typeof d.prune !== 'number' || typeof d.owned !== 'number') return undefined;
  return { prune: d.prune, owned: d.owned, resources: Array.isArray(d.resources) ? d.resources.map(String) : [] };
}

export const confirmCommand = (app: string) => `/driftguard sync ${app} --allow-mass-prune`;

export interface MassPruneReportInput {
  app: string;
  sha: string;
  cluster: string;
  namespace: string;
  refusal: MassPruneRefusal;
}

/** Check run output and the one-paragraph PR comment for a refused mass prune. */
export function renderMassPruneRefusal(i: MassPruneReportInput): { title: string; summary: string; comment: string } {
  const { prune, owned, resources } = i.refusal;
  const what = `would delete ${prune} of the ${owned} live resources **${escapeMarkdown(i.app)}** owns in ${escapeMarkdown(`${i.cluster}/${i.namespace}`)}`;
  const how = [
    'If that is intended, a user with write access to this repository confirms it by commenting on a pull request:',
    '',
    '```',
    confirmCommand(i.app),
    '```',
    '',
    `That syncs ${escapeMarkdown(i.app)} at the head of its branch with the guard lifted for that one sync; its check run records who confirmed. ` +
      `${inlineCode(`/driftguard sync ${i.app}`)} syncs again without lifting it.`,
  ];
  const listed = resources.map((r) => `- ${inlineCode(r)}`);
  const more = prune > resources.length ? [`- … and ${prune - resources.length} more`] : [];
  const summary = [
    `Syncing ${inlineCode(shortSha(i.sha))} ${what} (more than half), so the sync was refused before any write: nothing was applied or deleted.`,
    '',
    '**Would be deleted:**',
    ...listed,
    ...more,
    '',
    ...how,
  ].join('\n');
  const comment = [`Sync of ${shortSha(i.sha)} refused: it ${what} (more than half); nothing was changed.`, '', ...how].join('\n');
  return { title: `Mass prune refused: ${prune} of ${owned} resources would be deleted; nothing was applied`, summary, comment };
}

/** Who asked for a sync by command, for the check run and the outcome comment. */
export function requestNote(r: { requestedBy: string; requestedOn?: number; allowMassPrune?: boolean }): string {
  const on = r.requestedOn !== undefined ? ` on #${r.requestedOn}` : '';
  return r.allowMassPrune
    ? `Sync requested by @${r.requestedBy}${on}; mass prune confirmed by @${r.requestedBy} for this sync only.`
    : `Sync requested by @${r.requestedBy}${on}.`;
}
