// Finds the helm / kubectl / kustomize binaries. Order: explicit env override, then the copies that
// `npm install` unpacks into <checkout>/.tools/bin (pinned versions the tests run), then PATH.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { DriftguardError } from '../core/errors.ts';
import { PACKAGE_ROOT } from '../process/package-root.ts';

export type ToolName = 'helm' | 'kubectl' | 'kustomize';

const ENV_VARS: Record<ToolName, string> = {
  helm: 'DRIFTGUARD_HELM',
  kubectl: 'DRIFTGUARD_KUBECTL',
  kustomize: 'DRIFTGUARD_KUSTOMIZE',
};

const INSTALL_HINT: Record<ToolName, string> = {
  helm: 'install helm 3.x/4.x and put it on PATH',
  kubectl: 'install kubectl 1.27+ (it bundles kustomize) and put it on PATH',
  kustomize: 'install kustomize 5.x and put it on PATH',
};

/** <checkout>/.tools/bin, where scripts/install-tools.js unpacks helm and kubectl. */
export const BUNDLED_TOOLS_DIR = join(PACKAGE_ROOT, '.tools', 'bin');

export interface FindToolOptions {
  env?: NodeJS.ProcessEnv;
  /** Override of the bundled dir (tests). */
  bundledDir?: string;
}

function isExecutableFile(p: string): boolean {
  try {
    if (!statSync(p).isFile()) return false;
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Absolute path of the binary, or undefined. Never throws. */
export function lookupTool(name: ToolName, opts: FindToolOptions = {}): string | undefined {
  const env = opts.env ?? process.env;
  const override = env[ENV_VARS[name]];
  if (override) return isExecutableFile(override) ? override : undefined;
  const bundled = join(opts.bundledDir ?? BUNDLED_TOOLS_DIR, name);
  if (isExecutableFile(bundled)) return bundled;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    if (isExecutableFile(p)) return p;
  }
  return undefined;
}

/** Like lookupTool, but a missing binary is a TOOL_MISSING error that says how to get one. */
export function findTool(name: ToolName, opts: FindToolOptions = {}): string {
  const found = lookupTool(name, opts);
  if (found) return found;
  const env = opts.env ?? process.env;
  const override = env[ENV_VARS[name]];
  if (override) {
    throw new DriftguardError(
      'TOOL_MISSING',
      `${name} not found: ${ENV_VARS[name]}=${override} is not an executable file; fix or unset ${ENV_VARS[name]}`,
    );
  }
  const bundled = name === 'kustomize' ? '' : 'run `npm install` in the driftguard checkout, or ';
  throw new DriftguardError(
    'TOOL_MISSING',
    `${name} not found: ${bundled}${INSTALL_HINT[name]}, or set ${ENV_VARS[name]}`,
  );
}

/** The kustomize runner: a configured/available `kustomize` binary, else `kubectl kustomize`. */
export function findKustomize(opts: FindToolOptions = {}): { bin: string; args: string[] } {
  const env = opts.env ?? process.env;
  if (env.DRIFTGUARD_KUSTOMIZE) return { bin: findTool('kustomize', opts), args: ['build'] };
  const kubectl = lookupTool('kubectl', opts);
  if (kubectl) return { bin: kubectl, args: ['kustomize'] };
  const kustomize = lookupTool('kustomize', opts);
  if (kustomize) return { bin: kustomize, args: ['build'] };
  return { bin: findTool('kubectl', opts), args: ['kustomize'] };
}
