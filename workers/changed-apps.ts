// Which apps a set of changed files concerns: files under the app's path, its helm value files (which
// may live outside the path), anything a kustomization of the app references outside its path (an
// overlay's `../../base`), or every app when the Driftguard config itself changed. Used by the push
// fan-out (files between `before` and `after`), by plans (the PR's files) and to decide which merged
// PRs hear about a sync. The kustomizations are read from the commit's checkout (the shared cache's,
// which the jobs of the commit render from anyway), each directory once however many apps share it:
// one compare or PR-files read plus the checkout, never a contents-API read per app.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { parse } from 'yaml';
import { isUnderAppPath, REPO_CONFIG_PATH } from '../src/core/config/repo-config.ts';
import type { AppConfig, RepoConfig } from '../src/core/config/types.ts';
import type { RepoClient } from '../src/github/client.ts';
import type { PushJob } from '../src/queue/jobs.ts';

/** Where kustomizations are read: the contents API (a RepoClient) or a checkout on disk (checkoutReader). */
export type TreeReader = Pick<RepoClient, 'listDirectory' | 'readFile'>;

/** A checkout on disk answering as the contents API does (the ref is the checkout's own). */
export function checkoutReader(dir: string): TreeReader {
  return {
    async listDirectory(path) {
      const full = join(dir, path);
      const s = await stat(full).catch(() => undefined);
      if (!s) return null;
      return s.isDirectory() ? readdir(full) : 'file';
    },
    readFile: (path) => readFile(join(dir, path), 'utf8').catch(() => null),
  };
}

/** `open` runs on the first read only (a change that selects every app by path needs no checkout); answers are memoized. */
export function lazyReader(open: () => Promise<TreeReader>): TreeReader {
  let reader: Promise<TreeReader> | undefined;
  const get = () => (reader ??= open());
  return memoReader({
    listDirectory: async (path, ref) => (await get()).listDirectory(path, ref),
    readFile: async (path, ref) => (await get()).readFile(path, ref),
  });
}

/** Each path read once per reader: 500 overlays of one base read the base once. */
export function memoReader(r: TreeReader): TreeReader {
  const dirs = new Map<string, ReturnType<TreeReader['listDirectory']>>();
  const files = new Map<string, ReturnType<TreeReader['readFile']>>();
  const memo = <T>(m: Map<string, T>, k: string, f: () => T) => {
    let v = m.get(k);
    if (v === undefined) m.set(k, (v = f()));
    return v;
  };
  return {
    listDirectory: (path, ref) => memo(dirs, `${ref}\0${path}`, () => r.listDirectory(path, ref)),
    readFile: (path, ref) => memo(files, `${ref}\0${path}`, () => r.readFile(path, ref)),
  };
}

/** The files a change touched, or "everything" with the reason when that cannot be known. */
export type ChangeSet = { all: true; reason: string } | { all: false; files: string[] };

const ZERO_SHA = /^0+$/;
const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
/** Bound on kustomization directories followed per app; beyond it the app counts as changed. */
const MAX_KUSTOMIZATIONS = 40;

/** What a push changed: the compare API between `before` and `after`, or everything when unknowable. */
export async function pushChanges(gh: Pick<RepoClient, 'compare'>, job: Pick<PushJob, 'before' | 'forced' | 'sha'>): Promise<ChangeSet> {
  if (!job.before) return { all: true, reason: 'the previous commit is not known' };
  if (ZERO_SHA.test(job.before)) return { all: true, reason: 'first push to the branch' };
  if (job.forced) return { all: true, reason: 'force-push' };
  const cmp = await gh.compare(job.before, job.sha);
  if (!cmp) return { all: true, reason: `the previous commit ${job.before.slice(0, 7)} is unknown` };
  if (cmp.status !== 'ahead' && cmp.status !== 'identical') return { all: true, reason: `history was rewritten (${job.before.slice(0, 7)} is not an ancestor)` };
  if (!cmp.complete) return { all: true, reason: 'too many files changed to list' };
  return { all: false, files: cmp.files };
}

/** Path-only selection (pure): app path, helm value files, or the config itself (→ all apps). */
export function touchedApps(config: RepoConfig, changed: string[]): AppConfig[] {
  if (changed.includes(REPO_CONFIG_PATH)) return config.apps;
  return config.apps.filter((a) => touchesApp(a, changed));
}

/** A changed file is under the app's path, is one of its helm value files, or under one of `sources`. */
export function touchesApp(app: AppConfig, changed: string[], sources: string[] = []): boolean {
  const valueFiles = (app.helm?.valueFiles ?? []).map((f) => posix.normalize(posix.join(app.path, f)));
  return changed.some((f) => isUnderAppPath(app.path, f) || valueFiles.includes(f) || sources.some((s) => f === s || f.startsWith(`${s}/`)));
}

/**
 * The apps of `apps` that `changes` concerns, `config` order kept. Apps not selected by path that are
 * (or may be) kustomize get their references outside the path looked up at `ref` through `reader`;
 * when that fails or is too big, the app is selected (a needless sync beats a missed one).
 */
export async function appsChangedBy(reader: TreeReader, config: RepoConfig, changes: ChangeSet, ref: string, apps: AppConfig[] = config.apps): Promise<AppConfig[]> {
  if (changes.all) return apps;
  const files = changes.files;
  if (files.length === 0) return [];
  if (files.includes(REPO_CONFIG_PATH)) return apps;
  const out: AppConfig[] = [];
  const gh = memoReader(reader);
  for (const app of apps) {
    if (touchesApp(app, files)) {
      out.push(app);
      continue;
    }
    if (app.type === 'plain' || app.type === 'helm') continue; // helm dependencies are vendored under the chart
    const sources = await kustomizeSources(gh, app.path, ref).catch(() => 'unknown' as const);
    if (sources === 'unknown' || touchesApp(app, files, sources)) out.push(app);
  }
  return out;
}

/**
 * Repo paths (directories and files) outside `appPath` that the kustomization at `appPath` reads,
 * following directory references recursively. [] for a directory without a kustomization.
 */
export async function kustomizeSources(gh: TreeReader, appPath: string, ref: string): Promise<string[] | 'unknown'> {
  const sources = new Set<string>();
  const visited = new Set<string>();
  const queue = [appPath];
  while (queue.length) {
    const dir = queue.shift()!;
    if (visited.has(dir)) continue;
    if (visited.size >= MAX_KUSTOMIZATIONS) return 'unknown';
    visited.add(dir);
    const entries = await gh.listDirectory(dir, ref);
    if (entries === null) continue; // missing (kustomize reports it) or remote
    if (entries === 'file') {
      sources.add(dir);
      continue;
    }
    sources.add(dir);
    const kfile = KUSTOMIZATION_FILES.find((n) => entries.includes(n));
    if (!kfile) continue;
    const text = await gh.readFile(posix.join(dir, kfile), ref);
    let doc: unknown;
    try {
      doc = parse(text ?? '');
    } catch {
      return 'unknown';
    }
    for (const r of kustomizationRefs(doc)) {
      const p = posix.normalize(posix.join(dir, r));
      if (p.startsWith('..') || posix.isAbsolute(p)) continue; // outside the repository: the renderer refuses it
      // A file by its extension needs no lookup; anything else may be a directory to follow.
      if (/\.(ya?ml|json|env|properties|txt)$/i.test(p)) sources.add(p);
      else queue.push(p);
    }
  }
  const outside = [...sources].filter((s) => !isUnderAppPath(appPath, s) && s !== '.');
  // A file inside a directory that is already a source adds nothing.
  return outside.filter((s) => !outside.some((d) => d !== s && s.startsWith(`${d}/`)));
}

/** Local path references of one kustomization document (remote ones fall out as missing paths). */
export function kustomizationRefs(doc: unknown): string[] {
  if (!doc || typeof doc !== 'object') return [];
  const k = doc as Record<string, unknown>;
  const out: string[] = [];
  const str = (v: unknown, keyed = false) => {
    if (typeof v !== 'string' || !v.trim() || v.includes('\n')) return;
    out.push(keyed ? v.trim().replace(/^[^=]*=(?=[^=]+$)/, '') : v.trim()); // generator files may be `key=path`
  };
  const list = (v: unknown) => (Array.isArray(v) ? v : []);
  for (const f of ['resources', 'bases', 'components', 'crds', 'patchesStrategicMerge', 'generators', 'transformers', 'validators', 'configurations']) for (const v of list(k[f])) str(v);
  for (const f of ['patches', 'patchesJson6902', 'replacements']) for (const item of list(k[f])) if (item && typeof item === 'object') str((item as Record<string, unknown>).path);
  for (const f of ['configMapGenerator', 'secretGenerator']) {
    for (const g of list(k[f])) {
      if (!g || typeof g !== 'object') continue;
      const gen = g as Record<string, unknown>;
      for (const f of list(gen.files)) str(f, true);
      for (const e of list(gen.envs)) str(e);
      str(gen.env);
    }
  }
  const helm = k.helmGlobals as Record<string, unknown> | undefined;
  if (helm && typeof helm === 'object') str(helm.chartHome);
  const openapi = k.openapi as Record<string, unknown> | undefined;
  if (openapi && typeof openapi === 'object') str(openapi.path);
  return out;
}
