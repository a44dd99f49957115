// Shared setup of the GitHub-limits suites (github-limits.test.ts, github-limits-push.test.ts): a harness
// per test with the GitHub emulator's limits as given, the real web and worker processes in-process, a
// monorepo of ConfigMap apps, closed after the file's tests.
import { after } from 'node:test';
import { parseOperatorConfig } from '../../src/core/config/operator-config.ts';
import { OPERATOR, startHarness, startProcesses, until as untilWithin, type Harness, type Processes } from './harness.ts';

export const SECRET = 'limits-test-secret';
const running: Array<{ h: Harness; p: Processes }> = [];
after(async () => {
  for (const { h, p } of running) {
    await p.close();
    await h.close();
  }
});

/** The harness's `until` with this suite's default: writes are paced, so waits are longer. */
export const until = <T>(what: string, f: () => T | undefined | false, timeoutMs = 180_000): Promise<T> => untilWithin(what, f, timeoutMs);

export const configMap = (name: string, value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  value: "${value}"\n`;

export function monorepo(n: number, automated: boolean): Record<string, string> {
  const apps = Array.from({ length: n }, (_, i) => `  - name: app-${i}\n    path: deploy/app-${i}\n    cluster: production\n    namespace: web\n${automated ? '    syncPolicy: {automated: true, prune: true}\n' : ''}`);
  const files: Record<string, string> = { '.github/driftguard.yml': `apps:\n${apps.join('')}` };
  for (let i = 0; i < n; i++) files[`deploy/app-${i}/cm.yaml`] = configMap(`cm-${i}`, 'v1');
  return files;
}

export async function start(github: NonNullable<Parameters<typeof startHarness>[0]>['github'], files: Record<string, string>, env: NodeJS.ProcessEnv, operatorExtra = ''): Promise<{ h: Harness; p: Processes }> {
  const h = await startHarness({ github });
  if (operatorExtra) h.deps.operator = parseOperatorConfig('operator.yml', `${OPERATOR}${operatorExtra}`);
  await h.gh.addRepo({ owner: 'acme', name: 'gitops', files });
  const p = await startProcesses(h, SECRET, { env });
  running.push({ h, p });
  return { h, p };
}

export const refused = (h: Harness) => h.gh.requests().filter((r) => r.status === 403 || r.status === 429);
