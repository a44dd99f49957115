// Kustomize: `kubectl kustomize <dir>` (or `kustomize build`). Before running it we walk the
// kustomization tree ourselves to refuse remote resources (no network, ever) and paths that leave the
// repository, and to index the input files so every output object can point back at a file:line.
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { DriftguardError } from '../core/errors.ts';
import type { KubeObject, SourceLocation, SourcedObject } from '../core/model/object.ts';
import { checkYamlLimits, parseManifestText } from '../core/manifests/index.ts';
import type { ManifestLimits } from '../core/manifests/limits.ts';
import { assertNoEscapingSymlinks, isInside, repoPath } from './paths.ts';
import { runTool, DEFAULT_MAX_OUTPUT_BYTES } from './run-tool.ts';
import { precheckInputFile } from './precheck-input.ts';
import { findKustomize, findTool, type FindToolOptions } from './tools.ts';
import { normalizeKubeVersion } from './capabilities.ts';
import { locationFromToolError } from './tool-location.ts';
import { rethrowRedacted, secretGeneratorValues, type SecretGeneratorInputs } from './redact-tool-error.ts';

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export function kustomizationFile(dir: string): string | undefined {
  for (const n of KUSTOMIZATION_FILES) {
    const p = join(dir, n);
    if (existsSync(p) && statSync(p).isFile()) return p;
  }
  return undefined;
}

/** A reference kustomize would fetch over the network (a URL, a git repo spec, `github.com/...`). */
export function isRemoteRef(ref: string, baseDir: string): boolean {
  const s = ref.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) return true; // https://, ssh://, git://, file://, s3://
  if (/^(git::|gh:|git@)/i.test(s)) return true;
  if (/^[\w.-]+@[\w.-]+:/.test(s)) return true; // scp-like user@host:org/repo
  const looksRemote =
    /^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?\//i.test(s) || // github.com/org/repo, gitlab.example.com:8443/x
    /\?(ref|version|submodules|timeout)=/.test(s) ||
    /\.git(\/\/|$|\?)/.test(s);
  return looksRemote && !existsSync(resolve(baseDir, s));
}

interface InputObject {
  kind: string;
  name: string;
  namespace?: string;
  source: SourceLocation;
}

interface Generated {
  kind: 'ConfigMap' | 'Secret';
  name: string;
  source: SourceLocation;
}

export interface KustomizeIndex {
  /** Repo-relative path of the top kustomization file. */
  topFile: string;
  objects: InputObject[];
  generated: Generated[];
  /** Every local path a kustomization names (absolute) → where it is named. */
  refs: Map<string, SourceLocation>;
  /** What secretGenerators read, to scrub from kustomize's errors. */
  secretInputs: SecretGeneratorInputs;
}

/** Walks the kustomization tree at `dir`: refuses remote and out-of-root refs, indexes inputs. */
export function scanKustomization(rootReal: string, dir: string, limits?: ManifestLimits): KustomizeIndex {
  const index: KustomizeIndex = { topFile: '', objects: [], generated: [], refs: new Map(), secretInputs: { literals: [], envFiles: [], files: [] } };
  const visited = new Set<string>();

  const visit = (kdir: string, from?: SourceLocation) => {
    if (visited.has(kdir)) return;
    visited.add(kdir);
    const kfile = kustomizationFile(kdir);
    if (!kfile) {
      throw new DriftguardError('RENDER_FAILED', `${repoPath(rootReal, kdir)} has no kustomization.yaml`, { location: from });
    }
    const file = repoPath(rootReal, kfile);
    if (!index.topFile) index.topFile = file;
    const lc = new LineCounter();
    const ktext = readFileSync(kfile, 'utf8');
    checkYamlLimits(file, ktext, limits); // kustomize expands aliases too (inline patches, helm values)
    const doc = parseDocument(ktext, { lineCounter: lc, uniqueKeys: false });
    const err = doc.errors[0];
    if (err) {
      const lp = err.linePos?.[0];
      throw new DriftguardError('YAML_SYNTAX', err.message.split('\n')[0]!, { location: { file, line: lp?.line ?? 1, column: lp?.col } });
    }
    const at = (node: unknown): SourceLocation => {
      const r = (node as { range?: [number, number, number] } | null)?.range;
      return r ? { file, line: lc.linePos(r[0]).line } : { file, line: 1 };
    };
    const root = doc.contents;
    if (!isMap(root)) return;

    /**
     * Checks one path reference; returns its absolute path, or undefined for inline content. What
     * kustomize will parse as YAML (`read: 'yaml'`, inline or a file) is checked against the YAML
     * limits first; generator data files only against the size limit.
     */
    const checkRef = (node: unknown, field: string, read: 'yaml' | 'data' | 'dir' = 'yaml'): string | undefined => {
      if (!isScalar(node) || typeof node.value !== 'string') return undefined;
      const ref = node.value;
      if (ref.includes('\n')) {
        // Inline patch / generator config, not a path: its text starts on the line after the key.
        if (read === 'yaml') checkYamlLimits(file, ref, limits, at(node).line);
        return undefined;
      }
      if (isRemoteRef(ref, kdir)) {
        throw new DriftguardError(
          'RENDER_FAILED',
          `remote ${field} "${ref}" is not allowed: Driftguard renders without network access; vendor it into the repository`,
          { location: at(node) },
        );
      }
      const abs = resolve(kdir, ref.replace(/^[^=]*=(?=[^=]+$)/, '')); // `key=path` in generator files
      if (!isInside(rootReal, abs)) {
        throw new DriftguardError('RENDER_FAILED', `${field} "${ref}" is outside the repository root`, { location: at(node) });
      }
      if (!index.refs.has(abs)) index.refs.set(abs, at(node));
      precheckInput(abs, read, at(node));
      return abs;
    };
    const seqItems = (key: string): unknown[] => {
      const v = root.get(key, true);
      return isSeq(v) ? v.items : [];
    };

    // Resources, bases and components: files are inputs, directories are nested kustomizations.
    for (const field of ['resources', 'bases', 'components', 'crds']) {
      for (const item of seqItems(field)) {
        const abs = checkRef(item, field.replace(/s$/, ''));
        if (!abs || !existsSync(abs)) continue; // kustomize reports the missing path itself
        if (statSync(abs).isDirectory()) {
          visit(abs, at(item));
        } else {
          indexFile(abs);
        }
      }
    }
    // Other path-valued fields only need the remote / out-of-root check.
    for (const item of seqItems('patchesStrategicMerge')) checkRef(item, 'patch');
    for (const field of ['patches', 'patchesJson6902', 'replacements']) {
      for (const item of seqItems(field)) {
        if (!isMap(item)) continue;
        checkRef(item.get('path', true), 'patch');
        const inline = item.get('patch', true);
        if (isScalar(inline) && typeof inline.value === 'string') checkYamlLimits(file, inline.value, limits, at(inline).line);
      }
    }
    for (const field of ['generators', 'transformers', 'validators', 'configurations']) {
      for (const item of seqItems(field)) checkRef(item, field.replace(/s$/, ''));
    }
    const openapi = root.get('openapi', true);
    if (isMap(openapi)) checkRef(openapi.get('path', true), 'openapi path');
    for (const [field, kind] of [['configMapGenerator', 'ConfigMap'], ['secretGenerator', 'Secret']] as const) {
      for (const item of seqItems(field)) {
        if (!isMap(item)) continue;
        const sec = kind === 'Secret' ? index.secretInputs : undefined;
        for (const key of ['files', 'envs']) {
          const v = item.get(key, true);
          if (!isSeq(v)) continue;
          for (const f of v.items) {
            const abs = checkRef(f, `${kind} generator file`, 'data');
            if (abs && sec) (key === 'files' ? sec.files : sec.envFiles).push(abs);
          }
        }
        const envAbs = checkRef(item.get('env', true), `${kind} generator file`, 'data');
        if (envAbs && sec) sec.envFiles.push(envAbs);
        const lits = item.get('literals', true);
        if (sec && isSeq(lits)) for (const l of lits.items) if (isScalar(l) && l.value != null) sec.literals.push(String(l.value));
        const nameNode = item.get('name', true) as Node | undefined;
        const name = isScalar(nameNode) ? String(nameNode.value) : '';
        if (name) index.generated.push({ kind, name, source: at(nameNode) });
      }
    }
    const helmGlobals = root.get('helmGlobals', true);
    if (isMap(helmGlobals)) {
      checkRef(helmGlobals.get('chartHome', true), 'helmGlobals.chartHome', 'dir');
      checkRef(helmGlobals.get('configHome', true), 'helmGlobals.configHome', 'dir');
    }
    const helmCharts = seqItems('helmCharts');
    for (const item of helmCharts) {
      if (!isMap(item)) continue;
      checkRef(item.get('valuesFile', true), 'helmCharts valuesFile');
      const extra = item.get('additionalValuesFiles', true);
      if (isSeq(extra)) for (const f of extra.items) checkRef(f, 'helmCharts additionalValuesFiles entry');
      const repo = item.get('repo', true);
      if (isScalar(repo) && typeof repo.value === 'string' && repo.value) {
        throw new DriftguardError(
          'RENDER_FAILED',
          `helmCharts entry pulls a chart from ${repo.value}: Driftguard renders without network access; point an app at a vendored chart instead`,
          { location: at(repo) },
        );
      }
    }
  };

  /**
   * An input kustomize will read: a link in the way must stay inside the repository (the error names
   * the path and, as related, the kustomization line that references it), and a file is checked
   * against the limits before kustomize expands it.
   */
  const precheckInput = (abs: string, read: 'yaml' | 'data' | 'dir', from: SourceLocation) => {
    if (prechecked.has(abs)) return;
    prechecked.add(abs);
    let real: string;
    try {
      real = realpathSync.native(abs);
    } catch {
      return; // missing: kustomize reports it
    }
    const path = repoPath(rootReal, abs);
    if (!isInside(rootReal, real)) {
      throw new DriftguardError('RENDER_FAILED', `symlink points outside the repository root (${path} is read by the kustomization at ${from.file}:${from.line})`, {
        location: { file: path, line: 1 }, related: [from],
      });
    }
    if (read !== 'dir' && statSync(real).isFile()) precheckInputFile(path, real, read, limits, from);
  };
  const prechecked = new Set<string>();

  const indexFile = (abs: string) => {
    const file = repoPath(rootReal, abs);
    let objs: SourcedObject[];
    try {
      objs = parseManifestText(file, readFileSync(abs, 'utf8'), limits);
    } catch {
      return; // kustomize will report a broken input with its own message
    }
    for (const so of objs) {
      const md = so.object.metadata;
      index.objects.push({
        kind: so.object.kind,
        name: md?.name ?? '',
        namespace: md?.namespace,
        source: { file, line: so.source?.line ?? 1 },
      });
    }
  };

  visit(dir);
  return index;
}

/** Where an output object came from: the input with the same kind whose name the output name contains. */
export function locateKustomized(obj: KubeObject, index: KustomizeIndex): SourceLocation {
  const name = obj.metadata?.name ?? '';
  const ns = obj.metadata?.namespace;
  let best: { score: number; source: SourceLocation } | undefined;
  const consider = (candidateName: string, source: SourceLocation, nsMatch: boolean, exact: boolean) => {
    if (!candidateName || !name.includes(candidateName)) return;
    // Exact names beat prefixed/suffixed ones; longer contained names beat shorter ones.
    const score = (exact ? 1_000_000 : 0) + candidateName.length * 2 + (nsMatch ? 1 : 0);
    if (!best || score > best.score) best = { score, source };
  };
  for (const o of index.objects) {
    if (o.kind !== obj.kind) continue;
    consider(o.name, o.source, o.namespace === ns, o.name === name);
  }
  for (const g of index.generated) {
    if (g.kind !== obj.kind) continue;
    consider(g.name, g.source, false, g.name === name);
  }
  return best?.source ?? { file: index.topFile, line: 1 };
}

export interface KustomizeOptions extends FindToolOptions {
  timeoutMs?: number;
  limits?: ManifestLimits;
  /** Allow-listed `kustomize build` flags (see buildOptionArgs). */
  buildOptions?: string[];
  /** Capabilities for helmCharts when `--enable-helm` is on (`--helm-kube-version`, `--helm-api-versions`). */
  kubeVersion?: string;
  apiVersions?: string[];
}

/**
 * The `kustomize build` options an app may ask for, as Argo CD's `kustomize.buildOptions` does, but
 * allow-listed: `--load-restrictor LoadRestrictionsNone` (files outside the kustomization's own
 * directory, still inside the repository) and `--enable-helm` (helmCharts from a chart vendored in the
 * repository; a `repo:` is refused, the network is closed). Never `--enable-alpha-plugins`,
 * `--enable-exec`, `--mount`, `--network` or `--helm-command`: they run code or reach outside.
 */
export function buildOptionArgs(options: string[]): { args: string[]; enableHelm: boolean } {
  const args: string[] = [];
  let enableHelm = false;
  const tokens = options.flatMap((o) => o.trim().split(/\s+/)).filter(Boolean);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t === '--enable-helm' || t === '--enable-helm=true') {
      if (!enableHelm) args.push('--enable-helm');
      enableHelm = true;
    } else if (t === '--load-restrictor' || t.startsWith('--load-restrictor=')) {
      const v = t.includes('=') ? t.slice(t.indexOf('=') + 1) : tokens[++i];
      if (v !== 'LoadRestrictionsNone' && v !== 'LoadRestrictionsRootOnly') {
        throw new DriftguardError('USAGE', `kustomize --load-restrictor must be LoadRestrictionsNone or LoadRestrictionsRootOnly (got ${v ?? 'nothing'})`);
      }
      args.push('--load-restrictor', v);
    } else {
      throw new DriftguardError(
        'USAGE',
        `kustomize build option "${t}" is not allowed: only --enable-helm and --load-restrictor LoadRestrictionsNone are (plugins and functions would run code)`,
      );
    }
  }
  return { args, enableHelm };
}

/** Renders the kustomization in `dir` (absolute, inside `rootReal`). */
export async function renderKustomize(rootReal: string, dir: string, opts: KustomizeOptions = {}): Promise<SourcedObject[]> {
  const index = scanKustomization(rootReal, dir, opts.limits);
  assertNoEscapingSymlinks(rootReal, dir);
  const tool = findKustomize(opts);
  const label = tool.args[0] === 'kustomize' ? 'kubectl kustomize' : 'kustomize build';
  const build = buildOptionArgs(opts.buildOptions ?? []);
  const args = [...tool.args, dir, ...build.args];
  if (build.enableHelm) {
    // An explicit helm (the sandbox PATH may have none or another), with the cluster's capabilities.
    args.push('--helm-command', await helmForKustomize(opts));
    if (opts.kubeVersion) args.push('--helm-kube-version', normalizeKubeVersion(opts.kubeVersion));
    if (opts.apiVersions?.length) args.push(`--helm-api-versions=${opts.apiVersions.join(',')}`);
  }
  // Kustomize quotes a bad secretGenerator literal or env line as it is: scrub those values.
  const { stdout } = await runTool(tool.bin, args, {
    cwd: dir,
    timeoutMs: opts.timeoutMs,
    label,
    locate: (stderr) => {
      const loc = locationFromToolError(stderr, (p) => resolveToolPath(rootReal, dir, p));
      if (!loc) return { file: index.topFile, line: 1 };
      // A file that does not exist is best shown where a kustomization names it.
      const abs = join(rootReal, loc.file);
      return existsSync(abs) ? loc : (index.refs.get(abs) ?? loc);
    },
  }).catch((e: unknown) => rethrowRedacted(e, secretGeneratorValues(index.secretInputs)));
  const objects = parseManifestText(`<${label} ${repoPath(rootReal, dir)}>`, stdout, {
    ...opts.limits,
    maxFileBytes: Math.max(opts.limits?.maxFileBytes ?? 0, DEFAULT_MAX_OUTPUT_BYTES),
  });
  return objects.map((so) => ({ object: so.object, source: locateKustomized(so.object, index) }));
}

const helmVersions = new Map<string, Promise<string>>();

/**
 * The helm kustomize's helmCharts inflator runs. kustomize 5.x (kubectl 1.34 bundles 5.7) accepts
 * only helm 3 (`helm version -c --short` must say v3), so DRIFTGUARD_KUSTOMIZE_HELM may name a
 * helm 3 binary next to the helm 4 Driftguard uses for charts; a helm 4 here is a clear error
 * rather than kustomize's own.
 */
async function helmForKustomize(opts: KustomizeOptions): Promise<string> {
  const env = opts.env ?? process.env;
  const bin = env.DRIFTGUARD_KUSTOMIZE_HELM || findTool('helm', opts);
  let v = helmVersions.get(bin);
  if (!v) {
    v = runTool(bin, ['version', '--short'], { cwd: '/', timeoutMs: 30_000, label: 'helm version' }).then((r) => r.stdout.trim());
    helmVersions.set(bin, v);
    v.catch(() => helmVersions.delete(bin));
  }
  const version = await v;
  if (!/^v3\./.test(version)) {
    throw new DriftguardError(
      'TOOL_MISSING',
      `kustomize --enable-helm needs helm 3: kustomize refuses helm ${version || 'of unknown version'} (${bin}); ` +
        'install helm 3.x and set DRIFTGUARD_KUSTOMIZE_HELM to it, or point the app at the chart directory to render it with helm directly',
    );
  }
  return bin;
}

/** A path kustomize printed (absolute, or relative to the kustomization dir) as a repo path. */
function resolveToolPath(rootReal: string, dir: string, p: string): string | undefined {
  const abs = resolve(dir, p);
  if (isInside(rootReal, abs)) return repoPath(rootReal, abs);
  const viaParent = resolve(dirname(dir), p);
  return isInside(rootReal, viaParent) && existsSync(viaParent) ? repoPath(rootReal, viaParent) : undefined;
}
