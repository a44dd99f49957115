// 10,000 realistic desired/live pairs (Deployments, Services, StatefulSets, ConfigMaps, Secrets,
// Ingresses, custom resources; ~95% in sync, ~5% drifted), normalized and diffed with diffObjects.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { diffObjects } from '../src/core/diff/index.ts';
import { parseManifestText } from '../src/core/manifests/index.ts';
import type { KubeObject, SourcedObject } from '../src/core/model/object.ts';
import type { BenchFigure } from './run.ts';

const N = 10_000;
const KINDS = ['deployment', 'service', 'statefulset', 'configmap', 'secret', 'ingress', 'certificate'];
const WEIGHTS = [4, 3, 1, 2, 1, 1, 1]; // roughly what a GitOps repo holds

function fixture(name: string): { desired: KubeObject; live: KubeObject } {
  const dir = new URL('../test/fixtures/core/diff/', import.meta.url);
  const read = (f: string) => parseManifestText(f, readFileSync(new URL(f, dir), 'utf8'))[0]!.object;
  return { desired: read(`${name}.desired.yaml`), live: read(`${name}.live.yaml`) };
}

/** Make the pair's live side match desired where the fixture deliberately drifts, then maybe drift it. */
function pair(name: string, i: number, base: { desired: KubeObject; live: KubeObject }, drift: boolean): [SourcedObject, KubeObject] {
  const d = structuredClone(base.desired) as any;
  const l = structuredClone(base.live) as any;
  const objName = `${d.metadata.name}-${i}`;
  d.metadata.name = l.metadata.name = objName;
  if (name === 'service') d.spec.ports.push({ name: 'metrics', port: 9090, targetPort: 9090 });
  if (name === 'configmap') d.data['legacy.conf'] = 'old=1';
  if (name === 'secret') Object.assign(d.stringData, { password: 'hunter2', token: 'shop' });
  if (drift) {
    switch (name) {
      case 'deployment': d.spec.template.spec.containers[0].image = `ghcr.io/acme/web:1.5.${i}`; break;
      case 'service': l.spec.selector.tier = 'x'; break;
      case 'statefulset': d.spec.volumeClaimTemplates[0].spec.resources.requests.storage = '20Gi'; break;
      case 'configmap': d.data.RETRIES = '5'; break;
      case 'secret': d.stringData.password = `p${i}`; break;
      case 'ingress': l.spec.rules[0].host = 'other.example.com'; break;
      default: l.spec.dnsNames.push('www.example.com');
    }
  }
  return [{ object: d, source: { file: `apps/${name}.yaml`, line: 1 } }, l];
}

export default async function bench(): Promise<BenchFigure[]> {
  const bases = Object.fromEntries(KINDS.map((k) => [k, fixture(k)]));
  const cycle = KINDS.flatMap((k, i) => Array(WEIGHTS[i]).fill(k) as string[]);
  const desired: SourcedObject[] = [];
  const live: KubeObject[] = [];
  let drifted = 0;
  for (let i = 0; i < N; i++) {
    const name = cycle[i % cycle.length]!;
    const drift = i % 20 === 7; // 5%
    if (drift) drifted++;
    const [d, l] = pair(name, i, bases[name]!, drift);
    desired.push(d);
    live.push(l);
  }
  // Warm-up on a small slice so the figure reflects steady state, as a long-running worker sees it;
  // then the median of 3 full runs, since the machine is shared and single runs are noisy.
  diffObjects(desired.slice(0, 500), live.slice(0, 500));
  const runs: number[] = [];
  let r = diffObjects([], []);
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    r = diffObjects(desired, live);
    runs.push(performance.now() - t0);
  }
  const ms = runs.sort((a, b) => a - b)[1]!;
  if (r.summary.update !== drifted || r.summary.none !== N - drifted) {
    throw new Error(`bench sanity: expected ${drifted} updates, got ${JSON.stringify(r.summary)}`);
  }
  return [
    { name: `diffObjects, ${N} pairs (${drifted} drifted), median of 3`, value: Math.round(ms), unit: 'ms', goal: '< 1000', ok: ms < 1000 },
    { name: 'per resource', value: Math.round((ms * 1000) / N), unit: 'µs' },
  ];
}
