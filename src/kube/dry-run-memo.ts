// What a server-side dry-run apply answered, remembered per cluster, so a plan of hundreds of apps does
// not dry-run again objects whose answer is already known. The answer of applying object D to live object
// L depends on D and on L (its resourceVersion names its content), so the key is a hash of D plus L's uid
// and resourceVersion: a new render or any change of the live object (another writer, a controller's
// status update, a re-creation) is a miss. Only dry runs fill it, not our real applies: admission may
// treat a dry run differently (a webhook without dry-run support refuses every one), and a plan reports
// what a dry run says. Bounded in bytes; least recently used entries go first. (Not covered: a change of
// admission webhooks or CRD defaults with neither D nor L changing; the next change of the object, or a
// restart, brings the answer up to date.) An answer identical to L (an in-sync object) is stored as a
// mark, not a copy: the watch cache holds L already, so an in-sync cluster's memo costs a key per object.
import { createHash } from 'node:crypto';
import type { KubeObject } from '../core/model/object.ts';

export interface DryRunMemoStats {
  hits: number;
  misses: number;
  entries: number;
  bytes: number;
}

/** Default bound of the remembered answers (their JSON size). */
export const DEFAULT_DRY_RUN_MEMO_BYTES = 32 * 1024 * 1024;

/** The answer is the live object itself. */
const SAME_AS_LIVE = Symbol('same as live');

export class DryRunMemo {
  private readonly entries = new Map<string, { answer: KubeObject | typeof SAME_AS_LIVE; bytes: number }>();
  readonly stats: DryRunMemoStats = { hits: 0, misses: 0, entries: 0, bytes: 0 };

  constructor(private readonly maxBytes = DEFAULT_DRY_RUN_MEMO_BYTES) {}

  private static key(desired: KubeObject, live: KubeObject): string | undefined {
    const { uid, resourceVersion } = live.metadata ?? {};
    if (!uid || !resourceVersion) return undefined;
    return `${createHash('sha256').update(JSON.stringify(desired)).digest('base64')}|${uid}|${resourceVersion}`;
  }

  clear(): void {
    this.entries.clear();
    this.stats.entries = 0;
    this.stats.bytes = 0;
  }

  /** The remembered answer of dry-running `desired` against `live`, or undefined. */
  get(desired: KubeObject, live: KubeObject): KubeObject | undefined {
    const k = DryRunMemo.key(desired, live);
    const hit = k === undefined ? undefined : this.entries.get(k);
    if (!hit) { this.stats.misses++; return undefined; }
    this.stats.hits++;
    this.entries.delete(k!);
    this.entries.set(k!, hit); // most recently used last
    return hit.answer === SAME_AS_LIVE ? live : hit.answer;
  }

  /** Remember `answer` (of the same resourceVersion as `live`) as what applying `desired` to `live` gives. */
  remember(desired: KubeObject, live: KubeObject, answer: KubeObject): void {
    if (answer.metadata?.resourceVersion !== live.metadata?.resourceVersion) return;
    const k = DryRunMemo.key(desired, live);
    if (k === undefined) return;
    const text = answer === live ? '' : JSON.stringify(answer);
    const same = answer === live || text === JSON.stringify(live);
    const bytes = (same ? 0 : text.length) + k.length;
    if (bytes > this.maxBytes) return;
    const prev = this.entries.get(k);
    if (prev) { this.entries.delete(k); this.stats.bytes -= prev.bytes; }
    this.entries.set(k, { answer: same ? SAME_AS_LIVE : answer, bytes });
    this.stats.bytes += bytes;
    for (const [old, e] of this.entries) {
      if (this.stats.bytes <= this.maxBytes) break;
      this.entries.delete(old);
      this.stats.bytes -= e.bytes;
    }
    this.stats.entries = this.entries.size;
  }
}
