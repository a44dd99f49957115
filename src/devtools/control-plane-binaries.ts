// Where the real control-plane binaries are: $DRIFTGUARD_CONTROL_PLANE_DIR when set (run-tests.js sets it
// after building), else this tree's cache directory, built on demand by scripts/build-control-plane.js
// (progress on stderr). Building is the script's job so `npm run build:control-plane`, `npm test` and
// `driftguard dev-cluster --real` share one implementation and one cache.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DriftguardError } from '../core/errors.ts';
import { PACKAGE_ROOT } from '../process/package-root.ts';

export const CONTROL_PLANE_BINARIES = ['etcd', 'kube-apiserver', 'kube-controller-manager'] as const;
const SCRIPT = join(PACKAGE_ROOT, 'scripts', 'build-control-plane.js');

function complete(dir: string): boolean {
  return CONTROL_PLANE_BINARIES.every((b) => existsSync(join(dir, b)));
}

/** The directory holding etcd, kube-apiserver and kube-controller-manager; builds them when `build` and missing. */
export async function controlPlaneBinaries(opts: { build?: boolean; progress?: (line: string) => void } = {}): Promise<string> {
  const preset = process.env.DRIFTGUARD_CONTROL_PLANE_DIR;
  if (preset) {
    if (!complete(preset)) throw new DriftguardError('CONFIG_INVALID', `DRIFTGUARD_CONTROL_PLANE_DIR=${preset} lacks ${CONTROL_PLANE_BINARIES.join(', ')}`);
    return preset;
  }
  const args = opts.build === false ? [SCRIPT, '--check'] : [SCRIPT];
  const progress = opts.progress ?? ((l: string) => process.stderr.write(`${l}\n`));
  return await new Promise<string>((resolve, reject) => {
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.setEncoding('utf8').on('data', (s: string) => { out += s; });
    p.stderr.setEncoding('utf8').on('data', (s: string) => {
      err += s;
      for (const line of s.split('\n')) if (line) progress(line);
    });
    p.on('error', reject);
    p.on('exit', (code) => {
      const dir = out.trim().split('\n').pop() ?? '';
      if (code === 0 && dir) return resolve(dir);
      if (code === 2) return reject(new DriftguardError('TOOL_MISSING', 'Go is not installed: the real control plane is built from Go modules (install Go 1.26, then npm run build:control-plane)'));
      if (code === 1 && opts.build === false) return reject(new DriftguardError('NOT_FOUND', `the real control plane is not built yet (npm run build:control-plane builds it into ${dir})`));
      reject(new DriftguardError('TOOL_FAILED', `building the control plane failed: ${err.trim().split('\n').slice(-20).join('\n')}`));
    });
  });
}
