// Version conversion for the one built-in kind served at two versions: HorizontalPodAutoscaler is
// stored as autoscaling/v2 and converted for autoscaling/v1 clients, like the API server does
// (targetCPUUtilizationPercentage <-> a Resource/cpu/Utilization metric).
import type { KubeObject } from '../../src/core/model/object.ts';
import type { ResourceDef } from './resources.ts';

type Obj = Record<string, any>;

const isHpa = (res: ResourceDef) => res.group === 'autoscaling' && res.kind === 'HorizontalPodAutoscaler';

/** Whether clients of `version` see the stored object converted (then it must be copied first). */
export function needsConversion(res: ResourceDef, version: string | undefined): boolean {
  return isHpa(res) && version === 'v1';
}

/** The object in its storage version (v2), from a body in `version`. */
export function toStorage(res: ResourceDef, obj: KubeObject, version: string | undefined): KubeObject {
  if (!isHpa(res) || version !== 'v1') return obj;
  const o = JSON.parse(JSON.stringify(obj)) as Obj;
  const spec = o.spec ?? {};
  const { targetCPUUtilizationPercentage: cpu, ...rest } = spec;
  o.spec = rest;
  if (typeof cpu === 'number') o.spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: cpu } } }];
  if (o.status) {
    const { currentCPUUtilizationPercentage: cur, ...st } = o.status;
    o.status = st;
    if (typeof cur === 'number') o.status.currentMetrics = [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: cur } } }];
  }
  o.apiVersion = 'autoscaling/v2';
  return o as KubeObject;
}

/** The stored (v2) object as a client of `version` sees it. */
export function fromStorage(res: ResourceDef, obj: KubeObject, version: string | undefined): KubeObject {
  if (!isHpa(res) || version !== 'v1') return obj;
  const o = obj as Obj;
  const { metrics, behavior: _b, ...spec } = o.spec ?? {};
  const cpu = (metrics ?? []).find((m: Obj) => m.type === 'Resource' && m.resource?.name === 'cpu' && m.resource?.target?.type === 'Utilization');
  if (cpu) spec.targetCPUUtilizationPercentage = cpu.resource.target.averageUtilization;
  o.spec = spec;
  if (o.status) {
    const { currentMetrics, conditions: _c, ...st } = o.status;
    const cur = (currentMetrics ?? []).find((m: Obj) => m.type === 'Resource' && m.resource?.name === 'cpu');
    if (cur?.resource?.current?.averageUtilization !== undefined) st.currentCPUUtilizationPercentage = cur.resource.current.averageUtilization;
    o.status = st;
  }
  return o as KubeObject;
}
