// One render per distinct set of render inputs. The key is a hash of everything a render reads: its
// options (path, type, namespace, Helm values and flags, kustomize build options), the destination's
// capabilities where a chart renders, and the bytes of every file it can read — the app's directory,
// and for a Kustomization every directory and file its kustomizations reference, followed
// transitively (a shared base, components, patches, generator files); for a chart its directory and
// its value files. Apps or commits whose inputs are identical share one render; anything that differs
// (another overlay, an edited base file) is another key. Renders whose inputs cannot be listed
// faithfully (remote resources, helmCharts under --enable-helm, references leaving the repository,
// more than the bounds) are not memoized. The tools' versions are fixed for the life of the process,
// and the memo lives in the process, so they need no place in the key.
import { createHash } from 'node:crypto';
import { readdir, readFile, readlink, lstat, stat } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parse } from 'yaml';
import { detectSourceType, type RenderOptions, type RenderResult } from '../src/render/render.ts';
import { isInside } from '../src/render/paths.ts';
import { kustomizationFile } from '../src/render/kustomize.ts';
import { kustomizationRefs } from './changed-apps.ts';

const MAX_DIRS = 64;
const MAX_FILES = 20_000;
const MAX_HASHED_BYTES = 64 * 1024 * 1024;
export const DEFAULT_RENDER_MEMO_BYTES = 64 * 1024 * 1024;

export class RenderMemo {
  /** key → the render as JSON (each hit gets its own copy); Map order is the LRU order. */
  private readonly entries = new Map<string, string>();
  private readonly inFlight = new Map<string, Promise<string>>();
  private bytes = 0;
  renders = 0;
  hits = 0;

  constructor(readonly maxBytes = DEFAULT_RENDER_MEMO_BYTES) {}

  get size(): number {
    return this.entries.size;
  }

  /**
   * `render(opts)`, or the result of an earlier render with the same inputs. `capabilities` names what
   * opts.capabilities would discover (the destination cluster; 'none' offline): it can change a chart.
   */
  async render(opts: RenderOptions, capabilities: string, render: (o: RenderOptions) => Promise<RenderResult>): Promise<RenderResult> {
    const key = await renderInputsKey(opts, capabilities);
    if (key === undefined) {
      this.renders++;
      return render(opts);
    }
    const cached = this.entries.get(key);
    if (cached !== undefined) {
      this.hits++;
      this.entries.delete(key);
      this.entries.set(key, cached);
      return JSON.parse(cached) as RenderResult;
    }
    let pending = this.inFlight.get(key);
    if (pending) this.hits++;
    else {
      this.renders++;
      pending = render(opts).then((r) => JSON.stringify(r));
      this.inFlight.set(key, pending);
      void pending.then((json) => this.remember(key, json), () => {}).finally(() => this.inFlight.delete(key));
    }
    return JSON.parse(await pending) as RenderResult;
  }

  private remember(key: string, json: string): void {
    if (json.length > this.maxBytes) return;
    this.entries.set(key, json);
    this.bytes += json.length;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= v.length;
    }
  }
}

/** The hash of everything the render of `opts` reads, or undefined when that cannot be listed faithfully. */
export async function renderInputsKey(opts: RenderOptions, capabilities: string): Promise<string | undefined> {
  let root: string;
  let abs: string;
  try {
    root = realpathSync.native(opts.root);
    abs = realpathSync.native(join(root, opts.path));
  } catch {
    return undefined; // the render reports it
  }
  if (!isInside(root, abs)) return undefined;
  const type = !opts.type || opts.type === 'auto' ? detectSourceType(abs) : opts.type;
  const buildOptions = opts.kustomize?.buildOptions ?? [];
  const withHelm = buildOptions.some((o) => o.startsWith('--enable-helm'));
  const inputs = new Set<string>([posix.normalize(opts.path)]);
  if (type === 'kustomize') {
    if (withHelm) return undefined;
    const refs = await kustomizeInputs(root, posix.normalize(opts.path));
    if (!refs) return undefined;
    for (const r of refs) inputs.add(r);
  } else if (type === 'helm') {
    for (const f of opts.helm?.valueFiles ?? []) inputs.add(f.startsWith('/') ? posix.normalize(f.slice(1)) : posix.normalize(posix.join(opts.path, f)));
  }
  const h = createHash('sha256');
  const { root: _root, capabilities: _caps, timeoutMs: _t, tools: _tools, ...rest } = opts;
  h.update(JSON.stringify({ v: 1, type, ...rest, capabilities: type === 'helm' || withHelm ? capabilities : undefined }));
  const budget = { files: 0, bytes: 0 };
  for (const p of [...inputs].sort()) {
    if (p.startsWith('..') || posix.isAbsolute(p)) return undefined;
    if (!(await hashPath(h, root, p, budget))) return undefined;
  }
  return h.digest('hex');
}

/** Repo paths a kustomization reads outside its own directory, transitively; undefined when not listable. */
async function kustomizeInputs(root: string, start: string): Promise<string[] | undefined> {
  const out = new Set<string>();
  const queue = [start];
  const seen = new Set<string>();
  while (queue.length) {
    const dir = queue.shift()!;
    if (seen.has(dir)) continue;
    if (seen.size >= MAX_DIRS) return undefined;
    seen.add(dir);
    out.add(dir);
    const kfile = kustomizationFile(join(root, dir));
    if (!kfile) continue;
    let doc: unknown;
    try {
      doc = parse(await readFile(kfile, 'utf8'));
    } catch {
      return undefined;
    }
    if (doc && typeof doc === 'object' && 'helmCharts' in doc) return undefined; // charts and their values files are not followed
    for (const r of kustomizationRefs(doc)) {
      if (/^[a-z][a-z0-9+.-]*:\/\/|^git@|^github\.com\/|\?ref=|\/\//i.test(r)) return undefined; // remote: may change without a commit
      const p = posix.normalize(posix.join(dir, r));
      if (p.startsWith('..') || posix.isAbsolute(p)) return undefined;
      const s = await stat(join(root, p)).catch(() => undefined);
      if (s?.isDirectory()) queue.push(p);
      else out.add(p); // a file, or missing (kustomize fails: nothing is memoized)
    }
  }
  return [...out];
}

/** Hash a file or directory tree (names, link targets, bytes) into `h`; false past the bounds or outside the root. */
async function hashPath(h: ReturnType<typeof createHash>, root: string, rel: string, budget: { files: number; bytes: number }): Promise<boolean> {
  const abs = join(root, rel);
  const l = await lstat(abs).catch(() => undefined);
  if (!l) {
    h.update(`missing\0${rel}\0`);
    return true;
  }
  if (++budget.files > MAX_FILES) return false;
  if (l.isSymbolicLink()) {
    h.update(`link\0${rel}\0${await readlink(abs)}\0`);
    const real = await realpathOf(abs);
    if (real && !isInside(root, real)) return false;
  }
  const s = await stat(abs).catch(() => undefined);
  if (!s) return true; // dangling link: its target is hashed above
  if (s.isDirectory()) {
    if (l.isSymbolicLink()) return hashPath(h, root, (await realpathOf(abs))!.slice(root.length + 1), budget); // the tree the tools read through the link
    h.update(`dir\0${rel}\0`);
    for (const name of (await readdir(abs)).sort()) if (!(await hashPath(h, root, posix.join(rel, name), budget))) return false;
    return true;
  }
  budget.bytes += s.size;
  if (budget.bytes > MAX_HASHED_BYTES) return false;
  h.update(`file\0${rel}\0`);
  h.update(await readFile(abs));
  return true;
}

async function realpathOf(abs: string): Promise<string | undefined> {
  try {
    return realpathSync.native(abs);
  } catch {
    return undefined;
  }
}
