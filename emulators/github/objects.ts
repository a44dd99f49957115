// Builders for the JSON objects GitHub returns, with every field its OpenAPI schema requires,
// so octokit and the app see the shapes they will see in production.
import { createHash } from 'node:crypto';
import type { CommitInfo, FileChange } from './git.ts';

export interface Urls {
  /** REST base, e.g. http://127.0.0.1:1234/api/v3 */
  api: string;
  /** Web base, e.g. http://127.0.0.1:1234 */
  web: string;
}

/** Stable positive id for a name (users, installations without an explicit id). */
export function stableId(kind: string, name: string): number {
  return (createHash('sha256').update(`${kind}:${name}`).digest().readUInt32BE(0) % 90_000_000) + 1_000_000;
}

export function nodeId(kind: string, id: number | string): string {
  return Buffer.from(`0:${kind}${id}`).toString('base64').replace(/=+$/, '');
}

export function iso(d: Date | number = new Date()): string {
  return new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function simpleUser(u: Urls, login: string, type: 'User' | 'Organization' | 'Bot' = login.endsWith('[bot]') ? 'Bot' : 'User') {
  const id = stableId('user', login);
  const api = `${u.api}/users/${encodeURIComponent(login)}`;
  return {
    login,
    id,
    node_id: nodeId(type === 'Organization' ? 'O' : type === 'Bot' ? 'BOT' : 'U', id),
    avatar_url: `${u.web}/avatars/u/${id}?v=4`,
    gravatar_id: '',
    url: api,
    html_url: `${u.web}/${type === 'Bot' ? 'apps/' + login.replace(/\[bot\]$/, '') : login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type,
    user_view_type: 'public',
    site_admin: false,
  };
}

export interface RepoRecord {
  id: number;
  owner: string;
  ownerType: 'User' | 'Organization';
  name: string;
  defaultBranch: string;
  private: boolean;
  dir: string;
  installationId: number;
  createdAt: string;
  description: string | null;
}

export function repository(u: Urls, r: RepoRecord, extra: { pushedAt?: string; openIssues?: number } = {}) {
  const full = `${r.owner}/${r.name}`;
  const api = `${u.api}/repos/${full}`;
  const host = new URL(u.web).host;
  return {
    id: r.id,
    node_id: nodeId('R_', r.id),
    name: r.name,
    full_name: full,
    private: r.private,
    owner: simpleUser(u, r.owner, r.ownerType),
    html_url: `${u.web}/${full}`,
    description: r.description,
    fork: false,
    url: api,
    archive_url: `${api}/{archive_format}{/ref}`,
    assignees_url: `${api}/assignees{/user}`,
    blobs_url: `${api}/git/blobs{/sha}`,
    branches_url: `${api}/branches{/branch}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    comments_url: `${api}/comments{/number}`,
    commits_url: `${api}/commits{/sha}`,
    compare_url: `${api}/compare/{base}...{head}`,
    contents_url: `${api}/contents/{+path}`,
    contributors_url: `${api}/contributors`,
    deployments_url: `${api}/deployments`,
    downloads_url: `${api}/downloads`,
    events_url: `${api}/events`,
    forks_url: `${api}/forks`,
    git_commits_url: `${api}/git/commits{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_url: `git://${host}/${full}.git`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    issue_events_url: `${api}/issues/events{/number}`,
    issues_url: `${api}/issues{/number}`,
    keys_url: `${api}/keys{/key_id}`,
    labels_url: `${api}/labels{/name}`,
    languages_url: `${api}/languages`,
    merges_url: `${api}/merges`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    pulls_url: `${api}/pulls{/number}`,
    releases_url: `${api}/releases{/id}`,
    ssh_url: `git@${host}:${full}.git`,
    stargazers_url: `${api}/stargazers`,
    statuses_url: `${api}/statuses/{sha}`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    tags_url: `${api}/tags`,
    teams_url: `${api}/teams`,
    trees_url: `${api}/git/trees{/sha}`,
    clone_url: `${u.web}/${full}.git`,
    mirror_url: null,
    hooks_url: `${api}/hooks`,
    svn_url: `${u.web}/${full}`,
    homepage: null,
    language: null,
    forks_count: 0,
    stargazers_count: 0,
    watchers_count: 0,
    size: 0,
    default_branch: r.defaultBranch,
    open_issues_count: extra.openIssues ?? 0,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: true,
    has_wiki: true,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: r.private ? 'private' : 'public',
    pushed_at: extra.pushedAt ?? r.createdAt,
    created_at: r.createdAt,
    updated_at: extra.pushedAt ?? r.createdAt,
    permissions: { admin: false, maintain: false, push: true, triage: true, pull: true },
    allow_forking: true,
    web_commit_signoff_required: false,
    license: null,
    forks: 0,
    open_issues: extra.openIssues ?? 0,
    watchers: 0,
  };
}

/** `full-repository` adds a few fields to `repository`. */
export function fullRepository(u: Urls, r: RepoRecord, extra: { pushedAt?: string; openIssues?: number } = {}) {
  return { ...repository(u, r, extra), network_count: 0, subscribers_count: 0, temp_clone_token: null };
}

export const APP_PERMISSIONS = {
  checks: 'write',
  contents: 'read',
  deployments: 'write',
  issues: 'write',
  metadata: 'read',
  pull_requests: 'write',
} as const;
export const APP_EVENTS = ['check_run', 'issue_comment', 'pull_request', 'push'];

export interface AppRecord {
  id: number;
  slug: string;
  name: string;
  owner: string;
  createdAt: string;
}

export function integration(u: Urls, a: AppRecord) {
  return {
    id: a.id,
    slug: a.slug,
    node_id: nodeId('A_', a.id),
    client_id: `Iv1.${a.id.toString(16).padStart(16, '0')}`,
    owner: simpleUser(u, a.owner, 'Organization'),
    name: a.name,
    description: 'GitOps for Kubernetes in pull requests',
    external_url: `${u.web}/apps/${a.slug}`,
    html_url: `${u.web}/apps/${a.slug}`,
    created_at: a.createdAt,
    updated_at: a.createdAt,
    permissions: { ...APP_PERMISSIONS },
    events: [...APP_EVENTS],
  };
}

export function installation(u: Urls, a: AppRecord, inst: { id: number; account: string; accountType: 'User' | 'Organization'; createdAt: string }) {
  const account = simpleUser(u, inst.account, inst.accountType);
  return {
    id: inst.id,
    account,
    repository_selection: 'all' as const,
    access_tokens_url: `${u.api}/app/installations/${inst.id}/access_tokens`,
    repositories_url: `${u.api}/installation/repositories`,
    html_url: `${u.web}/${inst.accountType === 'Organization' ? 'organizations/' + inst.account + '/' : ''}settings/installations/${inst.id}`,
    app_id: a.id,
    app_slug: a.slug,
    target_id: account.id,
    target_type: inst.accountType,
    permissions: { ...APP_PERMISSIONS },
    events: [...APP_EVENTS],
    created_at: inst.createdAt,
    updated_at: inst.createdAt,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}

export function gitUser(p: { name: string; email: string; date: string }) {
  return { name: p.name, email: p.email, date: p.date };
}

export function commitObject(u: Urls, owner: string, repo: string, c: CommitInfo, files?: FileChange[], login?: string) {
  const api = `${u.api}/repos/${owner}/${repo}`;
  const who = login ? simpleUser(u, login) : null;
  const out: Record<string, unknown> = {
    sha: c.sha,
    node_id: nodeId('C_', c.sha),
    commit: {
      author: gitUser(c.author),
      committer: gitUser(c.committer),
      message: c.message,
      tree: { sha: c.tree, url: `${api}/git/trees/${c.tree}` },
      url: `${api}/git/commits/${c.sha}`,
      comment_count: 0,
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
    },
    url: `${api}/commits/${c.sha}`,
    html_url: `${u.web}/${owner}/${repo}/commit/${c.sha}`,
    comments_url: `${api}/commits/${c.sha}/comments`,
    author: who,
    committer: who,
    parents: c.parents.map((p) => ({ sha: p, url: `${api}/commits/${p}`, html_url: `${u.web}/${owner}/${repo}/commit/${p}` })),
  };
  if (files) {
    const additions = files.reduce((n, f) => n + f.additions, 0);
    const deletions = files.reduce((n, f) => n + f.deletions, 0);
    out.stats = { total: additions + deletions, additions, deletions };
    out.files = files.map((f) => diffEntry(u, owner, repo, c.sha, f));
  }
  return out;
}

export function diffEntry(u: Urls, owner: string, repo: string, ref: string, f: FileChange) {
  const enc = f.filename.split('/').map(encodeURIComponent).join('/');
  const out: Record<string, unknown> = {
    sha: f.sha,
    filename: f.filename,
    status: f.status,
    additions: f.additions,
    deletions: f.deletions,
    changes: f.changes,
    blob_url: `${u.web}/${owner}/${repo}/blob/${ref}/${enc}`,
    raw_url: `${u.web}/${owner}/${repo}/raw/${ref}/${enc}`,
    contents_url: `${u.api}/repos/${owner}/${repo}/contents/${enc}?ref=${ref}`,
  };
  if (f.patch !== undefined) out.patch = f.patch;
  if (f.previous_filename !== undefined) out.previous_filename = f.previous_filename;
  return out;
}

/** The `_links`, `url`s and `html_url`s of a contents entry. */
export function contentLinks(u: Urls, owner: string, repo: string, ref: string, path: string, type: 'file' | 'dir', sha: string) {
  const enc = path.split('/').map(encodeURIComponent).join('/');
  const url = `${u.api}/repos/${owner}/${repo}/contents/${enc}?ref=${encodeURIComponent(ref)}`;
  const git = `${u.api}/repos/${owner}/${repo}/git/${type === 'dir' ? 'trees' : 'blobs'}/${sha}`;
  const html = `${u.web}/${owner}/${repo}/${type === 'dir' ? 'tree' : 'blob'}/${ref}/${enc}`;
  return {
    url,
    html_url: html,
    git_url: git,
    download_url: type === 'file' ? `${u.web}/raw/${owner}/${repo}/${ref}/${enc}` : null,
    _links: { self: url, git, html },
  };
}

/** GitHub wraps base64 content at 60 characters per line. */
export function base64Lines(data: Buffer): string {
  const b = data.toString('base64');
  return (b.match(/.{1,60}/g) ?? []).map((l) => l + '\n').join('');
}
