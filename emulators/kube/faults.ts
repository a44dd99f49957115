// Fault injection and request counters, per verb and resource, for reliability tests and benchmarks.

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection' | 'discovery';

export interface FaultRule {
  /** Verbs the rule applies to (all when absent). */
  verb?: Verb | Verb[];
  /** Resource plural (`deployments`), `group/plural` (`apps/deployments`) or with subresource (`deployments/scale`); all when absent. */
  resource?: string;
  /** Added latency before the request is served (or fails). */
  latencyMs?: number;
  /** Respond with this HTTP status (500, 503, 429...) instead of serving the request. */
  status?: number;
  /** Retry-After seconds for 429/503 (default 1). */
  retryAfterSeconds?: number;
  /** Destroy the connection without a response. */
  drop?: boolean;
  /** Chance (0..1) the rule fires for a matching request; default 1. */
  probability?: number;
  /** Fire at most this many times; unlimited when absent. */
  count?: number;
}

export interface FaultDecision { latencyMs: number; status?: number; retryAfterSeconds?: number; drop?: boolean }

export interface RequestInfo { verb: Verb; group: string; resource: string; subresource?: string }

function resourceMatches(rule: string | undefined, info: RequestInfo): boolean {
  if (!rule) return true;
  const full = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
  return rule === full || rule === info.resource || rule === `${info.group}/${full}` || rule === `${info.group}/${info.resource}`;
}

export class Faults {
  private rules: Array<FaultRule & { fired: number }> = [];

  /** Adds a rule; returns a function that removes it. */
  add(rule: FaultRule): () => void {
    const r = { ...rule, fired: 0 };
    this.rules.push(r);
    return () => { this.rules = this.rules.filter((x) => x !== r); };
  }
  /** Shorthands. */
  latency(ms: number, scope: Omit<FaultRule, 'latencyMs'> = {}): () => void { return this.add({ ...scope, latencyMs: ms }); }
  error(status: number, scope: Omit<FaultRule, 'status'> = {}): () => void { return this.add({ ...scope, status }); }
  drop(scope: Omit<FaultRule, 'drop'> = {}): () => void { return this.add({ ...scope, drop: true }); }
  clear(): void { this.rules = []; }

  decide(info: RequestInfo): FaultDecision {
    const out: FaultDecision = { latencyMs: 0 };
    for (const r of this.rules) {
      const verbs = r.verb === undefined ? undefined : Array.isArray(r.verb) ? r.verb : [r.verb];
      if (verbs && !verbs.includes(info.verb)) continue;
      if (!resourceMatches(r.resource, info)) continue;
      if (r.count !== undefined && r.fired >= r.count) continue;
      if (r.probability !== undefined && Math.random() >= r.probability) continue;
      r.fired++;
      out.latencyMs += r.latencyMs ?? 0;
      if (out.status === undefined && !out.drop) {
        if (r.drop) out.drop = true;
        else if (r.status !== undefined) { out.status = r.status; out.retryAfterSeconds = r.retryAfterSeconds; }
      }
    }
    return out;
  }
}

export class Counters {
  private counts = new Map<string, number>();
  /** Resource requests being served right now (watches excluded), and the most at once since the last reset. */
  inFlight = 0;
  peakInFlight = 0;

  /** A resource request starts being served; the returned function marks its end (once). */
  begin(): () => void {
    this.peakInFlight = Math.max(this.peakInFlight, ++this.inFlight);
    let ended = false;
    return () => { if (!ended) { ended = true; this.inFlight--; } };
  }

  record(info: RequestInfo): void {
    const res = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
    this.bump(info.verb);
    this.bump(`${info.verb} ${res}`);
  }
  private bump(k: string): void { this.counts.set(k, (this.counts.get(k) ?? 0) + 1); }

  /** Requests with `verb` (on `resource` when given: plural or plural/subresource). */
  get(verb: Verb, resource?: string): number {
    return this.counts.get(resource ? `${verb} ${resource}` : verb) ?? 0;
  }
  /** All requests except discovery, or of the given verbs. */
  total(verbs: Verb[] = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection']): number {
    return verbs.reduce((n, v) => n + this.get(v), 0);
  }
  /** Writes: create + update + patch + delete + deletecollection. */
  writes(): number { return this.total(['create', 'update', 'patch', 'delete', 'deletecollection']); }
  snapshot(): Record<string, number> { return Object.fromEntries([...this.counts.entries()].sort()); }
  reset(): void { this.counts.clear(); this.peakInFlight = this.inFlight; }
}
