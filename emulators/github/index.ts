// startGitHubEmulator: a GitHub REST emulator on 127.0.0.1, validated against GitHub's OpenAPI description.
// Probot reaches it with GHE_HOST=<host> GHE_PROTOCOL=http (it then uses `${url}/api/v3` as base URL).
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createEmulatorServer } from './server.ts';
import { generateAppPrivateKey, publicKeyFor } from './jwt.ts';
import { EmulatorState, repoKey, type Fault, type SecondaryLimit, type PullRecord, type RecordedRequest, type CheckRunRecord, type CommentRecord, type DeploymentRecord, type IssueRecord } from './state.ts';
import type { RepoRecord } from './objects.ts';
import { forgetRepository, type CommitOptions, type FileMap } from './git.ts';

export { createGitRepo, type CommitSpec, type GitRepoFixture } from './create-git-repo.ts';
export type { Fault, SecondaryLimit, PullRecord, RecordedRequest, CheckRunRecord, CommentRecord, DeploymentRecord, IssueRecord, RepoRecord, FileMap };

export interface GitHubEmulatorOptions {
  appId: number;
  /** PEM private key of the app; generated (PKCS#1 RSA 2048) when absent and exposed as `privateKey`. */
  privateKey?: string;
  port?: number;
  appSlug?: string;
  /** Requests per hour per installation before primary rate limiting (default 5000). */
  rateLimit?: number;
  /** Length of the primary limit's window in ms (default one hour, as on GitHub; tests shorten it). */
  rateWindowMs?: number;
  /**
   * GitHub's secondary limit on content-creating requests (POST/PATCH/PUT/DELETE) per installation:
   * past `writes` in any `windowMs`, 403 with retry-after. Default 80 per 60 s (github.com); false: off.
   */
  secondaryLimit?: SecondaryLimit | false;
  /** Check every JSON response against the description's schema; violations in `responseViolations()` (default true). */
  validateResponses?: boolean;
}

export interface GitHubEmulator {
  /** e.g. http://127.0.0.1:4567 */
  readonly url: string;
  /** REST base octokit should use: `${url}/api/v3` (what Probot derives from GHE_HOST). */
  readonly apiUrl: string;
  /** host:port for GHE_HOST (with GHE_PROTOCOL=http). */
  readonly host: string;
  readonly appId: number;
  readonly privateKey: string;
  readonly state: EmulatorState;
  addRepo(opts: Parameters<EmulatorState['addRepo']>[0]): Promise<RepoRecord>;
  addPullRequest(opts: Parameters<EmulatorState['addPullRequest']>[0]): Promise<PullRecord>;
  mergePullRequest(owner: string, repo: string, number: number, opts?: { method?: 'merge' | 'squash'; mergedBy?: string }): Promise<string>;
  closePullRequest(owner: string, repo: string, number: number): Promise<void>;
  commit(owner: string, repo: string, opts: Omit<CommitOptions, 'branch'> & { branch?: string }): Promise<string>;
  setPermission(owner: string, repo: string, login: string, permission: 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none'): void;
  installationId(owner: string): number;
  injectFault(fault: Fault): void;
  clearFaults(): void;
  requests(filter?: { method?: string; path?: string | RegExp; operationId?: string }): RecordedRequest[];
  checkRuns(owner: string, repo: string, filter?: { headSha?: string; name?: string }): CheckRunRecord[];
  comments(owner: string, repo: string, issueNumber?: number): CommentRecord[];
  issues(owner: string, repo: string): IssueRecord[];
  deployments(owner: string, repo: string): DeploymentRecord[];
  responseViolations(): Array<{ operationId: string; status: number; issues: string[] }>;
  /** The most content-creating requests one installation got through in any `windowMs` (secondary limit on). */
  peakWrites(windowMs: number): number;
  close(): Promise<void>;
}

export async function startGitHubEmulator(opts: GitHubEmulatorOptions): Promise<GitHubEmulator> {
  const privateKey = opts.privateKey ?? generateAppPrivateKey();
  const state = new EmulatorState(opts.appId, opts.rateLimit ?? 5000, opts.appSlug, opts.rateWindowMs, opts.secondaryLimit === false ? null : (opts.secondaryLimit ?? { writes: 80, windowMs: 60_000 }));
  const server = createEmulatorServer({ state, publicKey: publicKeyFor(privateKey), validateResponses: opts.validateResponses ?? true });
  server.listen(opts.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  state.urls = { api: `${url}/api/v3`, web: url };
  const key = (o: string, r: string) => repoKey(o, r);
  return {
    url,
    apiUrl: `${url}/api/v3`,
    host: `127.0.0.1:${port}`,
    appId: opts.appId,
    privateKey,
    state,
    addRepo: (o) => state.addRepo(o),
    addPullRequest: (o) => state.addPullRequest(o),
    mergePullRequest: (o, r, n, x) => state.mergePullRequest(o, r, n, x),
    closePullRequest: (o, r, n) => state.closePullRequest(o, r, n),
    commit: (o, r, x) => state.commit(o, r, x),
    setPermission: (o, r, l, p) => state.setPermission(o, r, l, p),
    installationId: (owner) => state.installationFor(owner).id,
    injectFault: (f) => void state.faults.push({ ...f, left: f.times ?? 1 }),
    clearFaults: () => void state.faults.splice(0),
    requests: (f = {}) =>
      state.requests.filter(
        (q) =>
          (!f.method || q.method === f.method.toUpperCase()) &&
          (!f.operationId || q.operationId === f.operationId) &&
          (!f.path || (typeof f.path === 'string' ? q.path === f.path : f.path.test(q.path))),
      ),
    checkRuns: (o, r, f = {}) => state.checkRuns.filter((c) => c.repoKey === key(o, r) && (!f.headSha || c.headSha === f.headSha) && (!f.name || c.name === f.name)),
    comments: (o, r, n) => state.comments.filter((c) => c.repoKey === key(o, r) && (n === undefined || c.issueNumber === n)),
    issues: (o, r) => [...state.issues.values()].filter((i) => i.repoKey === key(o, r)),
    deployments: (o, r) => state.deployments.filter((d) => d.repoKey === key(o, r)),
    responseViolations: () => state.responseViolations,
    peakWrites: (windowMs) => {
      let peak = 0;
      for (const times of state.acceptedWrites.values()) {
        for (let i = 0, j = 0; i < times.length; i++) {
          while (times[i] - times[j] >= windowMs) j++;
          peak = Math.max(peak, i - j + 1);
        }
      }
      return peak;
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close').catch(() => undefined);
      for (const d of state.ownedDirectories()) {
        forgetRepository(d);
        rmSync(d, { recursive: true, force: true });
      }
    },
  };
}
