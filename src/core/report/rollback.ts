// Text for rollbacks and auto-sync pauses: check runs of pushes while an app is paused, replies to
// `/driftguard rollback` and `/driftguard resume`, the revert PR, and the git commands to run when the
// app may not open pull requests. Pure: times come in as ISO strings.

export interface PauseInfo {
  sha: string;
  since: string;
  by: string;
  revertPr?: number;
}

/** "auto-sync paused since <time> by <who> (rollback to <sha>)": one line, the check run's title. */
export function pausedTitle(p: PauseInfo): string {
  return `Auto-sync paused since ${p.since} by @${p.by} (rollback to ${p.sha.slice(0, 7)})`;
}

/** How a pause ends, for check runs and replies. */
export function resumeHint(app: string, p: Pick<PauseInfo, 'revertPr'>): string {
  const pr = p.revertPr !== undefined ? `the revert PR #${p.revertPr} merges, ` : '';
  return `Automated sync of \`${app}\` stays paused until ${pr}a push that changes \`${app}\` lands, or someone with write access comments \`/driftguard resume ${app}\`.`;
}

/** The check run of a push that did not sync a paused app. */
export function renderPausedCheckRun(app: string, sha: string, p: PauseInfo): { title: string; summary: string } {
  return {
    title: pausedTitle(p),
    summary: `\`${app}\` was rolled back to \`${p.sha.slice(0, 7)}\` by @${p.by} at ${p.since}; commit \`${sha.slice(0, 7)}\` was not synced.\n\n${resumeHint(app, p)}`,
  };
}

/**
 * The commands that bring Git back to `target` for the app's paths when Driftguard may not open the
 * revert PR itself (no `contents: write` / `pull_requests: write`).
 */
export function gitRevertCommands(o: { branch: string; target: string; paths: string[]; app: string }): string {
  const quoted = o.paths.map(shellQuote).join(' ');
  return [
    '```sh',
    `git fetch origin && git switch -c driftguard/rollback-${o.app}-${o.target.slice(0, 7)} origin/${o.branch}`,
    `git rm -r -q --ignore-unmatch -- ${quoted}   # drop files added since ${o.target.slice(0, 7)}`,
    `git checkout ${o.target} -- ${quoted}`,
    `git commit -m ${shellQuote(`Roll back ${o.app} to ${o.target.slice(0, 7)}`)}`,
    `git push -u origin HEAD   # then open a pull request into ${o.branch}`,
    '```',
  ].join('\n');
}

/** Body of the revert PR: what it restores and why. */
export function renderRevertPrBody(o: { app: string; target: string; from?: string; by: string; requestedOn: number; paths: string[]; changed: number }): string {
  return [
    `Brings Git back to the state of \`${o.app}\` at ${o.target} (rolled back in the cluster by @${o.by}, asked on #${o.requestedOn}).`,
    '',
    `The cluster already runs ${o.target.slice(0, 7)}${o.from ? ` instead of ${o.from.slice(0, 7)}` : ''}; automated sync of \`${o.app}\` is paused so the target branch does not put the rolled-back revision back. Merging this PR makes Git the truth again and resumes automated sync.`,
    '',
    `Restored to their content at ${o.target.slice(0, 7)} (${o.changed} file${o.changed === 1 ? '' : 's'} changed):`,
    ...o.paths.map((p) => `- \`${p}\``),
  ].join('\n');
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./@%+=:,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
