// Everything the emulator knows: the app, installations, repositories (git-backed), pulls, issues,
// comments, check runs, deployments, tokens, and the log of requests.
import { randomBytes } from 'node:crypto';
import { commitFiles, initBareRepo, isGitRepo, mergeInto, readDirectoryFiles, resolveCommit, type CommitOptions, type FileMap } from './git.ts';
import { iso, stableId, type AppRecord, type RepoRecord, type Urls } from './objects.ts';

export interface InstallationRecord {
  id: number;
  account: string;
  accountType: 'User' | 'Organization';
  createdAt: string;
}

export interface PullRecord {
  repoKey: string;
  number: number;
  id: number;
  title: string;
  body: string | null;
  user: string;
  head: string;
  /** `owner/name` of the fork the head branch comes from (the branch itself lives in this repo's git store); absent for same-repo PRs. */
  headRepo?: string;
  base: string;
  state: 'open' | 'closed';
  draft: boolean;
  merged: boolean;
  mergedBy?: string;
  mergedAt: string | null;
  closedAt: string | null;
  mergeCommitSha: string | null;
  /** Frozen once the PR is closed or merged; open PRs follow their branches. */
  headSha?: string;
  baseSha?: string;
  createdAt: string;
  updatedAt: string;
  labels: string[];
}

export interface IssueRecord {
  repoKey: string;
  number: number;
  id: number;
  title: string;
  body: string | null;
  user: string;
  state: 'open' | 'closed';
  stateReason: string | null;
  labels: string[];
  assignees: string[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export interface CommentRecord {
  repoKey: string;
  issueNumber: number;
  id: number;
  body: string;
  user: string;
  createdAt: string;
  updatedAt: string;
  reactions: Array<{ id: number; content: string; user: string; createdAt: string }>;
}

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
  raw_details?: string;
}

export interface CheckRunRecord {
  repoKey: string;
  id: number;
  suiteId: number;
  name: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  startedAt: string | null;
  completedAt: string | null;
  detailsUrl: string | null;
  externalId: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  annotations: Annotation[];
  actions: unknown[];
  /** Every state the run went through (status/conclusion), for tests that check transitions. */
  history: Array<{ status: string; conclusion: string | null }>;
}

export interface DeploymentStatusRecord {
  id: number;
  state: string;
  description: string;
  environment: string;
  targetUrl: string;
  logUrl: string;
  environmentUrl: string;
  creator: string;
  createdAt: string;
}

export interface DeploymentRecord {
  repoKey: string;
  id: number;
  sha: string;
  ref: string;
  task: string;
  payload: unknown;
  environment: string;
  originalEnvironment: string;
  description: string | null;
  transient: boolean;
  production: boolean;
  creator: string;
  createdAt: string;
  statuses: DeploymentStatusRecord[];
}

export interface RecordedRequest {
  method: string;
  /** Path without `/api/v3` and without the query string. */
  path: string;
  query: Record<string, string>;
  operationId?: string;
  body?: unknown;
  status: number;
  at: string;
}

export interface Fault {
  method?: string;
  /** Matches the path without `/api/v3` (a string must be equal, a RegExp must match). */
  path?: string | RegExp;
  operationId?: string;
  /** 'error': a plain 5xx; 'secondary': 403/429 secondary rate limit with retry-after; 'primary': 403 with x-ratelimit-remaining 0. */
  kind?: 'error' | 'secondary' | 'primary';
  status?: number;
  retryAfter?: number;
  /** How many matching requests fail (default 1). */
  times?: number;
  /** Let this many matching requests through before the fault starts (default 0): fail "half way". */
  skip?: number;
}

/** GitHub's secondary limit on content-creating requests (POST, PATCH, PUT, DELETE). */
export interface SecondaryLimit {
  writes: number;
  windowMs: number;
}

export interface TokenRecord {
  installationId: number;
  expiresAt: number;
}

export class EmulatorState {
  urls: Urls = { api: '', web: '' };
  readonly app: AppRecord;
  readonly installations = new Map<number, InstallationRecord>();
  readonly repos = new Map<string, RepoRecord>();
  readonly pulls = new Map<string, PullRecord>();
  readonly issues = new Map<string, IssueRecord>();
  readonly comments: CommentRecord[] = [];
  readonly checkRuns: CheckRunRecord[] = [];
  readonly deployments: DeploymentRecord[] = [];
  readonly permissions = new Map<string, 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none'>();
  readonly tokens = new Map<string, TokenRecord>();
  readonly requests: RecordedRequest[] = [];
  readonly responseViolations: Array<{ operationId: string; status: number; issues: string[] }> = [];
  readonly faults: Array<Fault & { left: number }> = [];
  readonly rate = new Map<string, { used: number; reset: number }>();
  /** Times (ms) of each installation's recent content-creating requests, for the secondary limit. */
  readonly writes = new Map<string, number[]>();
  /** Arrival times (ms) of every content-creating request the secondary limit let through, per installation. */
  readonly acceptedWrites = new Map<string, number[]>();
  private nextId = 1000;
  private readonly numbers = new Map<string, number>();
  private readonly ownedDirs: string[] = [];

  constructor(
    appId: number,
    readonly rateLimit = 5000,
    appSlug = 'driftguard',
    /** The primary limit's window (GitHub: one hour). */
    readonly rateWindowMs = 3_600_000,
    /** Content-creating requests per window per installation (GitHub: 80 per minute); null: not enforced. */
    readonly secondaryLimit: SecondaryLimit | null = { writes: 80, windowMs: 60_000 },
  ) {
    this.app = { id: appId, slug: appSlug, name: 'Driftguard', owner: 'driftguard-dev', createdAt: iso() };
  }

  id(): number {
    return ++this.nextId;
  }

  get botLogin(): string {
    return `${this.app.slug}[bot]`;
  }

  installationFor(owner: string, id?: number, accountType: 'User' | 'Organization' = 'Organization'): InstallationRecord {
    for (const i of this.installations.values()) if (i.account === owner && (id === undefined || i.id === id)) return i;
    const inst = { id: id ?? stableId('installation', owner), account: owner, accountType, createdAt: iso() };
    this.installations.set(inst.id, inst);
    return inst;
  }

  async addRepo(opts: {
    owner: string;
    name: string;
    defaultBranch?: string;
    dir?: string;
    files?: FileMap;
    private?: boolean;
    installationId?: number;
    ownerType?: 'User' | 'Organization';
    description?: string;
  }): Promise<RepoRecord> {
    const defaultBranch = opts.defaultBranch ?? 'main';
    let dir = opts.dir;
    if (!dir || !(await isGitRepo(dir))) {
      // A plain directory (or inline files) becomes a private git repository with one commit.
      const files = opts.files ?? (dir ? readDirectoryFiles(dir) : { 'README.md': `# ${opts.name}\n` });
      dir = await initBareRepo(defaultBranch);
      this.ownedDirs.push(dir);
      await commitFiles(dir, { branch: defaultBranch, files, message: 'Initial commit' });
    } else if (!(await resolveCommit(dir, `refs/heads/${defaultBranch}`))) {
      throw new Error(`repository ${dir} has no branch ${defaultBranch}`);
    }
    const inst = this.installationFor(opts.owner, opts.installationId, opts.ownerType);
    const rec: RepoRecord = {
      id: stableId('repo', `${opts.owner}/${opts.name}`),
      owner: opts.owner,
      ownerType: opts.ownerType ?? 'Organization',
      name: opts.name,
      defaultBranch,
      private: opts.private ?? true,
      dir,
      installationId: inst.id,
      createdAt: iso(),
      description: opts.description ?? null,
    };
    this.repos.set(repoKey(opts.owner, opts.name), rec);
    return rec;
  }

  repo(owner: string, name: string): RepoRecord | undefined {
    return this.repos.get(repoKey(owner, name));
  }

  mustRepo(owner: string, name: string): RepoRecord {
    const r = this.repo(owner, name);
    if (!r) throw new Error(`unknown repository ${owner}/${name}`);
    return r;
  }

  nextNumber(key: string): number {
    const n = (this.numbers.get(key) ?? 0) + 1;
    this.numbers.set(key, n);
    return n;
  }

  async addPullRequest(opts: {
    owner: string;
    repo: string;
    number?: number;
    head: string;
    /** `owner/name` of a fork: the PR comes from there (head.repo), its branch is served from this repo. */
    headRepo?: string;
    base?: string;
    user?: string;
    title?: string;
    body?: string | null;
    draft?: boolean;
    state?: 'open' | 'closed';
    merged?: boolean;
    labels?: string[];
  }): Promise<PullRecord> {
    const r = this.mustRepo(opts.owner, opts.repo);
    const key = repoKey(r.owner, r.name);
    const base = opts.base ?? r.defaultBranch;
    for (const ref of [opts.head, base]) if (!(await resolveCommit(r.dir, `refs/heads/${ref}`))) throw new Error(`no branch ${ref} in ${key}`);
    let number = opts.number ?? this.nextNumber(key);
    if (opts.number !== undefined) this.numbers.set(key, Math.max(this.numbers.get(key) ?? 0, number));
    const now = iso();
    const pr: PullRecord = {
      repoKey: key,
      number,
      id: this.id(),
      title: opts.title ?? `Update ${opts.head}`,
      body: opts.body ?? null,
      user: opts.user ?? 'octocat',
      head: opts.head,
      ...(opts.headRepo ? { headRepo: opts.headRepo } : {}),
      base,
      state: 'open',
      draft: opts.draft ?? false,
      merged: false,
      mergedAt: null,
      closedAt: null,
      mergeCommitSha: null,
      createdAt: now,
      updatedAt: now,
      labels: opts.labels ?? [],
    };
    this.pulls.set(`${key}#${number}`, pr);
    if (opts.merged) await this.mergePullRequest(r.owner, r.name, number);
    else if (opts.state === 'closed') await this.closePullRequest(r.owner, r.name, number);
    return pr;
  }

  pull(owner: string, repo: string, number: number): PullRecord | undefined {
    return this.pulls.get(`${repoKey(owner, repo)}#${number}`);
  }

  async freeze(pr: PullRecord): Promise<void> {
    const r = this.repos.get(pr.repoKey)!;
    pr.headSha ??= await resolveCommit(r.dir, `refs/heads/${pr.head}`);
    pr.baseSha ??= await resolveCommit(r.dir, `refs/heads/${pr.base}`);
  }

  /** Merges like GitHub's merge button (real git merge commit, or squash) and returns the merge commit SHA. */
  async mergePullRequest(owner: string, repo: string, number: number, opts: { method?: 'merge' | 'squash'; mergedBy?: string } = {}): Promise<string> {
    const pr = this.pull(owner, repo, number);
    if (!pr || pr.state !== 'open') throw new Error(`pull request ${owner}/${repo}#${number} is not open`);
    const r = this.mustRepo(owner, repo);
    await this.freeze(pr);
    const squash = opts.method === 'squash';
    const message = squash ? `${pr.title} (#${pr.number})` : `Merge pull request #${pr.number} from ${owner}/${pr.head}\n\n${pr.title}`;
    const sha = await mergeInto(r.dir, pr.base, pr.headSha!, { message, squash });
    const now = iso();
    Object.assign(pr, { state: 'closed', merged: true, mergedAt: now, closedAt: now, updatedAt: now, mergeCommitSha: sha, mergedBy: opts.mergedBy ?? pr.user });
    return sha;
  }

  async closePullRequest(owner: string, repo: string, number: number): Promise<void> {
    const pr = this.pull(owner, repo, number);
    if (!pr) throw new Error(`no pull request ${owner}/${repo}#${number}`);
    await this.freeze(pr);
    const now = iso();
    Object.assign(pr, { state: 'closed', closedAt: now, updatedAt: now });
  }

  /** Commits files to a branch of a served repository (creating the branch from `from` or the default branch). */
  async commit(owner: string, repo: string, opts: Omit<CommitOptions, 'branch'> & { branch?: string }): Promise<string> {
    const r = this.mustRepo(owner, repo);
    return commitFiles(r.dir, { ...opts, branch: opts.branch ?? r.defaultBranch, from: opts.from ?? r.defaultBranch });
  }

  setPermission(owner: string, repo: string, login: string, permission: 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none'): void {
    this.permissions.set(`${repoKey(owner, repo)}:${login.toLowerCase()}`, permission);
  }

  issueToken(installationId: number, ttlMs = 3600_000): { token: string; expiresAt: number } {
    const token = `ghs_${randomBytes(27).toString('base64url').replace(/[-_]/g, 'x').slice(0, 36)}`;
    const rec = { installationId, expiresAt: Date.now() + ttlMs };
    this.tokens.set(token, rec);
    return { token, expiresAt: rec.expiresAt };
  }

  ownedDirectories(): string[] {
    return this.ownedDirs;
  }
}

export function repoKey(owner: string, name: string): string {
  return `${owner}/${name}`.toLowerCase();
}
