// Helm: `helm template` on a chart directory in the repository, with values files and inline values,
// CRDs included, never fetching anything: dependencies must be vendored under charts/. Every output
// object points back at its template via helm's `# Source: <chart>/templates/x.yaml` comments.
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, parseDocument } from 'yaml';
import { DriftguardError } from '../core/errors.ts';
import { redactValues, secretForms, urlPasswords } from '../core/redact-secrets.ts';
import type { SourceLocation, SourcedObject } from '../core/model/object.ts';
import { parseManifestText } from '../core/manifests/index.ts';
import type { ManifestLimits } from '../core/manifests/limits.ts';
import { assertNoEscapingSymlinks, isInside, repoPath } from './paths.ts';
import { DEFAULT_MAX_OUTPUT_BYTES, runTool } from './run-tool.ts';
import { precheckInputFile } from './precheck-input.ts';
import { locationFromToolError } from './tool-location.ts';
import { findTool, type FindToolOptions } from './tools.ts';
import { normalizeKubeVersion } from './capabilities.ts';

/** What an app says about its chart: release, values, capabilities, CRDs. */
export interface HelmChartOptions {
  releaseName?: string;
  /** Values files, relative to the chart directory (or absolute inside the repository), in order. */
  valueFiles?: string[];
  /** Inline values, applied after the values files. */
  values?: Record<string, unknown>;
  /** Helm `--set` expressions (`a.b=1,c[0]=x`), applied after the values files, with helm's own parsing. */
  set?: string[];
  /** Helm `--set-string` expressions: like `set`, but every value stays a string (`tag=1.10`, `on=true`). */
  setString?: string[];
  /** `.Capabilities.KubeVersion` (`--kube-version`), e.g. `v1.34.5`; default: helm's built-in version. */
  kubeVersion?: string;
  /** `.Capabilities.APIVersions` additions (`--api-versions`): `group/version` and `group/version/Kind`. */
  apiVersions?: string[];
  /** Leave out `crds/` (default false: `--include-crds`, as Argo CD and Flux install them). */
  skipCrds?: boolean;
  /** Do not validate values against values.schema.json (`--skip-schema-validation`). */
  skipSchemaValidation?: boolean;
}

export interface HelmOptions extends FindToolOptions, HelmChartOptions {
  namespace?: string;
  timeoutMs?: number;
  limits?: ManifestLimits;
}

interface ChartInfo {
  name: string;
  file: string; // repo path of Chart.yaml
}

/** Reads Chart.yaml and refuses dependencies that are not vendored under charts/. */
export function checkChart(rootReal: string, chartDir: string): ChartInfo {
  const chartYaml = join(chartDir, 'Chart.yaml');
  const file = repoPath(rootReal, chartYaml);
  const lc = new LineCounter();
  const doc = parseDocument(readFileSync(chartYaml, 'utf8'), { lineCounter: lc });
  const err = doc.errors[0];
  if (err) {
    const lp = err.linePos?.[0];
    throw new DriftguardError('YAML_SYNTAX', err.message.split('\n')[0]!, { location: { file, line: lp?.line ?? 1, column: lp?.col } });
  }
  const root = doc.contents;
  const nameNode = isMap(root) ? root.get('name', true) : undefined;
  const name = isScalar(nameNode) ? String(nameNode.value ?? '') : '';
  if (!name) throw new DriftguardError('RENDER_FAILED', 'Chart.yaml has no name', { location: { file, line: 1 } });

  checkDependencies(chartDir, root, lc, file);
  // apiVersion v1 charts list dependencies in requirements.yaml.
  const reqPath = join(chartDir, 'requirements.yaml');
  if (existsSync(reqPath)) {
    const reqLc = new LineCounter();
    const req = parseDocument(readFileSync(reqPath, 'utf8'), { lineCounter: reqLc });
    checkDependencies(chartDir, req.contents, reqLc, repoPath(rootReal, reqPath));
  }
  return { name, file };
}

function checkDependencies(chartDir: string, root: unknown, lc: LineCounter, file: string): void {
  const deps = isMap(root) ? root.get('dependencies', true) : undefined;
  if (!isSeq(deps)) return;
  const vendored = vendoredCharts(join(chartDir, 'charts'));
  for (const dep of deps.items) {
    if (!isMap(dep)) continue;
    const depName = String((dep.get('name') as unknown) ?? '');
    if (!depName || vendored.dirs.has(depName) || vendored.tgzs.some((t) => t.startsWith(`${depName}-`))) continue;
    const repo = String((dep.get('repository') as unknown) ?? '');
    const r = (dep as { range?: [number, number, number] }).range;
    throw new DriftguardError(
      'RENDER_FAILED',
      `chart dependency "${depName}"${repo ? ` (${repo})` : ''} is not vendored under charts/: ` +
        'Driftguard renders without network access; run `helm dependency build` and commit the charts/ directory',
      { location: { file, line: r ? lc.linePos(r[0]).line : 1 } },
    );
  }
}

/** Chart names of unpacked subcharts (from their Chart.yaml) and the packaged .tgz file names. */
function vendoredCharts(chartsDir: string): { dirs: Set<string>; tgzs: string[] } {
  const dirs = new Set<string>();
  const tgzs: string[] = [];
  if (!existsSync(chartsDir)) return { dirs, tgzs };
  for (const ent of readdirSync(chartsDir)) {
    const p = join(chartsDir, ent);
    if (ent.endsWith('.tgz')) tgzs.push(ent);
    else if (statSync(p).isDirectory() && existsSync(join(p, 'Chart.yaml'))) {
      const doc = parseDocument(readFileSync(join(p, 'Chart.yaml'), 'utf8')).toJS() as { name?: unknown } | null;
      dirs.add(typeof doc?.name === 'string' ? doc.name : ent);
    }
  }
  return { dirs, tgzs };
}

/** Repo path for a path helm printed: `<chart>/templates/x.yaml`, or an absolute path. */
function helmPathToRepo(rootReal: string, chartDir: string, chart: ChartInfo, p: string): string | undefined {
  if (isAbsolute(p)) return isInside(rootReal, p) ? repoPath(rootReal, p) : undefined;
  const rest = p.startsWith(`${chart.name}/`) ? p.slice(chart.name.length + 1) : p;
  const candidate = resolve(chartDir, rest);
  if (!isInside(rootReal, candidate)) return undefined;
  if (existsSync(candidate)) return repoPath(rootReal, candidate);
  // A template of a packaged subchart (charts/sub-1.2.3.tgz): point at the archive.
  const m = /^charts\/([^/]+)\//.exec(rest);
  if (m) {
    const tgz = vendoredCharts(join(chartDir, 'charts')).tgzs.find((t) => t.startsWith(`${m[1]}-`));
    if (tgz) return repoPath(rootReal, join(chartDir, 'charts', tgz));
  }
  return undefined;
}

/** Line of the n-th top-level `kind: <kind>` in a template, or 1. */
function kindLine(absFile: string, kind: string, nth: number, cache: Map<string, string[]>): number {
  let lines = cache.get(absFile);
  if (!lines) {
    try {
      lines = statSync(absFile).isFile() ? readFileSync(absFile, 'utf8').split('\n') : [];
    } catch {
      lines = [];
    }
    cache.set(absFile, lines);
  }
  const re = new RegExp(`^kind:\\s*["']?${kind}["']?\\s*(#.*)?$`);
  let seen = 0;
  let first = 0;
  for (let i = 0; i < lines.length; i++) {
    if (!re.test(lines[i]!)) continue;
    if (!first) first = i + 1;
    if (seen++ === nth) return i + 1;
  }
  return first || 1;
}

export async function renderHelm(rootReal: string, chartDir: string, opts: HelmOptions = {}): Promise<SourcedObject[]> {
  const chart = checkChart(rootReal, chartDir);
  assertNoEscapingSymlinks(rootReal, chartDir);
  const release = opts.releaseName ?? chart.name;
  const args = ['template', release, chartDir, '--namespace', opts.namespace ?? 'default'];
  if (opts.kubeVersion) args.push('--kube-version', normalizeKubeVersion(opts.kubeVersion));

  const valueFileList: string[] = [];
  for (const vf of opts.valueFiles ?? []) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(vf)) {
      throw new DriftguardError('RENDER_FAILED', `values file ${vf} is remote: Driftguard renders without network access`);
    }
    const abs = resolve(chartDir, vf);
    if (!isInside(rootReal, abs)) {
      throw new DriftguardError('RENDER_FAILED', `values file ${vf} is outside the repository root`);
    }
    if (!existsSync(abs)) throw new DriftguardError('NOT_FOUND', `values file ${repoPath(rootReal, abs)} does not exist`);
    // A values file (or a folder on its way) may be a link: helm would follow it out of the repository.
    if (!isInside(rootReal, realpathSync.native(abs))) {
      throw new DriftguardError('RENDER_FAILED', `symlink points outside the repository root (values file ${vf})`, { location: { file: repoPath(rootReal, abs), line: 1 } });
    }
    args.push('--values', abs);
    valueFileList.push(abs);
  }
  precheckHelmInputs(rootReal, chartDir, valueFileList, opts.limits);
  const helm = findTool('helm', opts);
  let tmp: string | undefined;
  try {
    if (opts.values && Object.keys(opts.values).length > 0) {
      tmp = mkdtempSync(join(tmpdir(), 'driftguard-values-'));
      const f = join(tmp, 'inline-values.json'); // JSON is YAML: no quoting surprises
      writeFileSync(f, JSON.stringify(opts.values), { mode: 0o600 });
      args.push('--values', f);
    }
    for (const s of opts.set ?? []) args.push('--set', s);
    for (const s of opts.setString ?? []) args.push('--set-string', s);
    for (const v of opts.apiVersions ?? []) {
      // helm splits the flag's value on commas; a Kind or group/version never contains one.
      if (!/^[A-Za-z0-9.-]+(\/[A-Za-z0-9.-]+){0,2}$/.test(v)) {
        throw new DriftguardError('USAGE', `api version "${v}" is not a group/version or group/version/Kind`);
      }
      args.push('--api-versions', v);
    }
    if (!opts.skipCrds) args.push('--include-crds');
    if (opts.skipSchemaValidation) args.push('--skip-schema-validation');

    let stdout: string;
    try {
      ({ stdout } = await runTool(helm, args, {
        cwd: chartDir,
        timeoutMs: opts.timeoutMs,
        label: 'helm template',
        locate: (stderr) =>
          locateSchemaError(rootReal, chartDir, stderr, valueFileList) ??
          (/chart requires kubeVersion/.test(stderr) ? { file: chart.file, line: lineOfPath(join(chartDir, 'Chart.yaml'), ['kubeVersion']) ?? 1 } : undefined) ??
          locationFromToolError(stderr, (p) => helmPathToRepo(rootReal, chartDir, chart, p)) ?? { file: chart.file, line: 1 },
      }));
    } catch (e) {
      // Template errors can print values (`{{ fail .Values.password }}`): scrub secret-looking ones.
      if (!(e instanceof DriftguardError)) throw e;
      const message = redactValues(e.message, secretLookingValues(chartDir, rootReal, opts));
      if (message === e.message) throw e;
      throw new DriftguardError(e.code, message, { location: e.location, related: e.related, details: e.details });
    }
    return mapHelmOutput(rootReal, chartDir, chart, stdout, opts.limits);
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

/** What helm parses as YAML/JSON in a chart (templates are Go templates: helm checks its own output). */
const CHART_YAML_FILES = ['Chart.yaml', 'values.yaml', 'values.yml', 'requirements.yaml', 'values.schema.json'];

/**
 * Every YAML file helm will parse — the chart's and its unpacked subcharts' Chart.yaml, values and
 * schema, and the app's values files — checked against the manifest limits before helm runs, so a
 * bomb or an oversized file fails at its file:line with our message rather than inside helm.
 */
export function precheckHelmInputs(rootReal: string, chartDir: string, valueFiles: string[], limits?: ManifestLimits): void {
  const files = [...valueFiles];
  const walk = (dir: string, depth: number) => {
    for (const n of CHART_YAML_FILES) files.push(join(dir, n));
    const charts = join(dir, 'charts');
    if (depth > 20 || !existsSync(charts) || !statSync(charts).isDirectory()) return;
    for (const d of readdirSync(charts).sort()) if (statSync(join(charts, d)).isDirectory()) walk(join(charts, d), depth + 1);
  };
  walk(chartDir, 0);
  for (const f of files) if (existsSync(f) && statSync(f).isFile()) precheckInputFile(repoPath(rootReal, f), f, 'yaml', limits);
}

/**
 * A values.schema.json failure (`- at '/replicaCount': got string, want integer`) located where the
 * offending value is set: the last values file that sets it (later files win), else the chart's
 * values.yaml, else values.schema.json itself.
 */
function locateSchemaError(rootReal: string, chartDir: string, stderr: string, valueFiles: string[]): SourceLocation | undefined {
  if (!/meet the specifications of the schema/.test(stderr)) return undefined;
  const m = /at '(\/[^']*)'/.exec(stderr);
  const pointer = m ? m[1]!.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~')) : [];
  // Subchart failures name the subchart (`redis:` line before the `- at`); its values live under its name.
  const sub = /^([\w.-]+):\s*$/m.exec(stderr.split(/- at '/)[0]!.split('\n').slice(1).join('\n'));
  for (const f of [...valueFiles].reverse().concat(join(chartDir, 'values.yaml'))) {
    const line = pointer.length ? lineOfPath(f, pointer) ?? (sub ? lineOfPath(f, [sub[1]!, ...pointer]) : undefined) : undefined;
    if (line) return { file: repoPath(rootReal, f), line };
  }
  const schema = join(chartDir, 'values.schema.json');
  return existsSync(schema) ? { file: repoPath(rootReal, schema), line: 1 } : undefined;
}

/** 1-based line of the node at `path` in a YAML file, or undefined. */
function lineOfPath(file: string, path: string[]): number | undefined {
  try {
    if (!existsSync(file)) return undefined;
    const lc = new LineCounter();
    const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter: lc });
    const pair = path.length ? doc.getIn(path.map((p) => (/^\d+$/.test(p) ? Number(p) : p)), true) : undefined;
    const r = (pair as { range?: [number, number, number] } | undefined)?.range;
    if (!r) return undefined;
    // The value node's line; for a block map/seq value that is the key's line + 1, so step back to the key.
    const line = lc.linePos(r[0]).line;
    const keyLine = findKeyLine(doc, path, lc);
    return keyLine ?? line;
  } catch {
    return undefined;
  }
}

function findKeyLine(doc: ReturnType<typeof parseDocument>, path: string[], lc: LineCounter): number | undefined {
  const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
  if (!isMap(parent)) return undefined;
  const last = path[path.length - 1]!;
  for (const item of parent.items) {
    if (isScalar(item.key) && String(item.key.value) === last && item.key.range) return lc.linePos(item.key.range[0]).line;
  }
  return undefined;
}

function mapHelmOutput(rootReal: string, chartDir: string, chart: ChartInfo, stdout: string, limits?: ManifestLimits): SourcedObject[] {
  const objects = parseManifestText(`<helm template ${repoPath(rootReal, chartDir)}>`, stdout, {
    ...limits,
    maxFileBytes: Math.max(limits?.maxFileBytes ?? 0, DEFAULT_MAX_OUTPUT_BYTES),
  });
  // 1-based line of each `# Source:` comment and each `---` separator in the stream.
  const sources: Array<{ line: number; path: string }> = [];
  const separators: number[] = [];
  stdout.split('\n').forEach((l, i) => {
    const m = /^# Source: (.+?)\s*$/.exec(l);
    if (m) sources.push({ line: i + 1, path: m[1]! });
    else if (/^---(\s|$)/.test(l)) separators.push(i + 1);
  });
  const cache = new Map<string, string[]>();
  const nthOfKind = new Map<string, number>();
  return objects.map((so) => {
    const at = so.source?.line ?? 0;
    let src: { line: number; path: string } | undefined;
    for (const s of sources) if (s.line < at) src = s;
    if (src && separators.some((sep) => sep > src!.line && sep <= at)) src = undefined; // belongs to another document
    let source: SourceLocation = { file: chart.file, line: 1 };
    const file = src ? helmPathToRepo(rootReal, chartDir, chart, src.path) : undefined;
    if (src && file) {
      const k = `${src.path}\0${so.object.kind}`;
      const nth = nthOfKind.get(k) ?? 0;
      nthOfKind.set(k, nth + 1);
      const abs = join(rootReal, file);
      source = { file, line: file.endsWith('.tgz') ? 1 : kindLine(abs, so.object.kind, nth, cache) };
    }
    return { object: so.object, source };
  });
}


/** Keys whose values are credentials by convention (password, apiToken, tls.key, clientSecret, dsn...). */
export const SECRET_KEY = /pass|secret|token|key|cred|auth|cert|private|dsn|salt|signature|connection/i;
/** Values files that hold secrets by name (secrets.yaml, helm-secrets/sops `*.enc.yaml`): every key counts. */
export const SECRET_VALUES_FILE = /secret|\.enc\.ya?ml$/i;
/** In such files, shorter strings (ports, "true", region names) stay readable. */
const MIN_SECRET_FILE_STRING = 8;

/**
 * String values at secret-looking keys (or anywhere under one) in the chart's values, its unpacked
 * subcharts' values, the app's values files, inline values and --set expressions; plus every string of
 * 8+ characters in values files named like secrets (SECRET_VALUES_FILE), whatever its key.
 */
export function secretLookingValues(chartDir: string, rootReal: string, opts: HelmOptions): string[] {
  const out: string[] = [];
  const walk = (v: unknown, secretish: boolean, secretFile = false) => {
    if (typeof v === 'string' || typeof v === 'number') {
      if (secretish || (secretFile && String(v).length >= MIN_SECRET_FILE_STRING)) out.push(...secretForms(String(v)));
      // By value whatever the key: the password of a URL (`db.url: postgres://app:pw@db/app`), also
      // where a template prints it alone.
      else if (typeof v === 'string') out.push(...urlPasswords(v));
    } else if (Array.isArray(v)) {
      for (const x of v) walk(x, secretish, secretFile);
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) walk(x, secretish || SECRET_KEY.test(k), secretFile);
    }
  };
  const files = [join(chartDir, 'values.yaml')];
  const charts = join(chartDir, 'charts');
  if (existsSync(charts)) for (const d of readdirSync(charts)) files.push(join(charts, d, 'values.yaml'));
  for (const vf of opts.valueFiles ?? []) {
    const abs = resolve(chartDir, vf);
    if (isInside(rootReal, abs)) files.push(abs);
  }
  for (const f of files) {
    try {
      if (!existsSync(f) || !statSync(f).isFile()) continue;
      for (const doc of parseAllDocuments(readFileSync(f, 'utf8'))) walk(doc.toJS({ maxAliasCount: 100 }), false, SECRET_VALUES_FILE.test(basename(f)));
    } catch {
      // unreadable values: helm's own error says so
    }
  }
  walk(opts.values ?? {}, false);
  for (const s of opts.set ?? []) {
    for (const part of s.split(/(?<!\\),/)) {
      const eq = part.indexOf('=');
      if (eq > 0 && SECRET_KEY.test(part.slice(0, eq))) out.push(...secretForms(part.slice(eq + 1)));
      else if (eq > 0) out.push(...urlPasswords(part.slice(eq + 1)));
    }
  }
  return out;
}
