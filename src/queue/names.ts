// Queue names. BullMQ forbids ':' in names; the prefix keeps Driftguard's keys together in Redis.
export const QUEUE_PREFIX = 'driftguard';

export const QUEUES = {
  /** pull_request opened/synchronize/reopened, and `/driftguard diff`: render + diff + report. */
  plan: 'plan',
  /** push to a branch: read the default-branch config and fan out to sync jobs. */
  push: 'push',
  /** One app at one SHA: render, apply, prune, wait for health, report. */
  sync: 'sync',
  /** PR comment commands: permission check, then reply or re-plan. */
  command: 'command',
  /** Preview environments: a namespace per PR, up on open/push, down on close. */
  preview: 'preview',
  /** The preview sweeper's scheduled runs (one job scheduler): missed closes, TTLs, waiting previews. */
  previewSweep: 'preview-sweep',
  /** One app: compare the live cluster with its last rendered target revision, report drift, self-heal. */
  drift: 'drift',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
