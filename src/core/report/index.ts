// Report rendering: pure functions from plan/sync results to GitHub Markdown within GitHub's limits.
export * from './types.ts';
export * from './limits.ts';
export { truncateUtf8Safe, truncateWithEllipsis, fenceFor, codeBlock, inlineCode, escapeHtml, escapeMarkdown, shortSha } from './text.ts';
export { MARKER, findMarker, renderPrComment, changeCounts, type PrCommentInput } from './pr-comment.ts';
export { renderCheckRun, batchAnnotations, errorsToAnnotations, type CheckRunOptions } from './check-run.ts';
export { renderSyncComment, renderSyncCheckRun, summarizeSync, syncConclusion } from './sync.ts';
export { massPruneRefusal, renderMassPruneRefusal, requestNote, confirmCommand, type MassPruneRefusal } from './mass-prune.ts';
export { checksLine, checksConclusion, findingsToAnnotations, notesToAnnotations, renderChecksSection, markdownMessage, type AppChecks } from './checks.ts';
export { forkNote, forkWaitingOutput, APPROVE_COMMAND, type ForkState, type ForkApprovalInfo } from './fork-approval.ts';
export { pausedTitle, resumeHint, renderPausedCheckRun, gitRevertCommands, renderRevertPrBody, type PauseInfo } from './rollback.ts';
export { PREVIEW_START, PREVIEW_END, renderPreviewSection, withPreviewSection, utcMinute, type PreviewEntry, type PreviewEntryState } from './preview.ts';
export { rateLimitNote, withRateLimitNote, NOTE_MIN_MS, type RateLimitWaits } from './rate-limit-note.ts';
export { renderAggregateCheckRun, aggregateConclusion, AGGREGATE_DETAIL_MAX_CHARS, type AggregateEntry, type AggregateOutput, type AppConclusion } from './aggregate.ts';
