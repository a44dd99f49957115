export { QUEUES, QUEUE_PREFIX, type QueueName } from './names.ts';
export type { PlanJob, PushJob, SyncJob, CommandJob, CommandName, AnyJob, RepoRef, PreviewJob, PreviewDownReason, DriftJob, DriftScanReason } from './jobs.ts';
export { planJobId, pushJobId, syncJobId, commandJobId, previewJobId, driftSchedulerId, driftScanDedupeId } from './job-ids.ts';
export { DriftScheduler } from './drift-scheduler.ts';
export { DEFAULT_JOB_OPTIONS } from './job-options.ts';
export { JobProducer } from './producer.ts';
export { createConsumer, closeConsumers, type ConsumerOptions, type Processor } from './consumer.ts';
export { queueConnection } from './connection.ts';
