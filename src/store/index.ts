export { createRedis, redisOptions, DEFAULT_REDIS_URL, KEY_PREFIX } from './redis.ts';
export { DeliveryStore } from './delivery-store.ts';
export { AppLocks, Lease } from './app-lease.ts';
export { LatestShaRegister, appScope, prScope, type LatestEntry } from './latest-sha.ts';
export { ReplyLimiter, DEFAULT_REPLY_WINDOW_MS, DEFAULT_REPLIES_PER_PR } from './reply-limiter.ts';
export { ForkApprovals, type ForkApproval, type ApprovalKind } from './fork-approvals.ts';
export { PreviewSlots, slotMember, type SlotClaim, type WaitingPreview } from './preview-slots.ts';
export { PreviewStore, type PreviewRecord, type PreviewState } from './previews.ts';
