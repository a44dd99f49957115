// Where a workload keeps its pod spec, so every pod rule reads Pods, Deployments, StatefulSets,
// DaemonSets, ReplicaSets, ReplicationControllers, Jobs, CronJobs and PodTemplates alike.
import { parseApiVersion, type FieldPath, type KubeObject } from '../model/object.ts';

export type Json = Record<string, unknown>;

export interface PodSpecAt {
  spec: Json;
  path: FieldPath;
}

export interface ContainerAt {
  container: Json;
  path: FieldPath;
  /** `containers`, `initContainers` or `ephemeralContainers`. */
  list: string;
}

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function at(obj: Json, path: FieldPath): unknown {
  let cur: unknown = obj;
  for (const p of path) cur = isObj(cur) || Array.isArray(cur) ? (cur as Record<string | number, unknown>)[p] : undefined;
  return cur;
}

const TEMPLATE: FieldPath = ['spec', 'template', 'spec'];
const PATHS: Record<string, FieldPath> = {
  '/Pod': ['spec'],
  '/PodTemplate': ['template', 'spec'],
  '/ReplicationController': TEMPLATE,
  'apps/Deployment': TEMPLATE,
  'apps/StatefulSet': TEMPLATE,
  'apps/DaemonSet': TEMPLATE,
  'apps/ReplicaSet': TEMPLATE,
  'batch/Job': TEMPLATE,
  'batch/CronJob': ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

export function podSpecOf(obj: KubeObject): PodSpecAt | undefined {
  const path = PATHS[`${parseApiVersion(obj.apiVersion).group}/${obj.kind}`];
  if (!path) return undefined;
  const spec = at(obj, path);
  return isObj(spec) ? { spec, path } : undefined;
}

/** Run-to-completion workloads: probes do not apply to them. */
export function runsToCompletion(obj: KubeObject, pod: PodSpecAt): boolean {
  const g = parseApiVersion(obj.apiVersion).group;
  if (g === 'batch') return true;
  return obj.kind === 'Pod' && (pod.spec.restartPolicy === 'Never' || pod.spec.restartPolicy === 'OnFailure');
}

export function containersOf(pod: PodSpecAt, lists = ['containers', 'initContainers', 'ephemeralContainers']): ContainerAt[] {
  const out: ContainerAt[] = [];
  for (const list of lists) {
    const xs = pod.spec[list];
    if (!Array.isArray(xs)) continue;
    xs.forEach((c, i) => { if (isObj(c)) out.push({ container: c, path: [...pod.path, list, i], list }); });
  }
  return out;
}

export function field(obj: unknown, ...path: string[]): unknown {
  return at(isObj(obj) ? obj : {}, path);
}

export const containerName = (c: ContainerAt): string => `${c.list === 'containers' ? 'container' : c.list.replace(/Containers$/, ' container')} \`${String(c.container.name ?? '?')}\``;
