// Crossplane packages, Provider, Configuration and Function (pkg.crossplane.io): Installed says whether the
// package revision was unpacked and made active; Healthy whether it runs (a Provider's deployment is
// up, a Configuration's dependencies are satisfied). Both True = Healthy. Unknown (Crossplane's
// initial "UnknownPackageRevisionHealth" while installing) is Progressing; Argo CD calls anything but
// both True Degraded, which flags every install in progress.
import type { KubeObject } from '../model/object.ts';
import type { HealthResult } from './types.ts';
import { conditions, describe, findCondition, generationLag } from './fields.ts';

export function crossplanePackageHealth(obj: KubeObject): HealthResult {
  const conds = conditions(obj);
  const installed = findCondition(conds, 'Installed');
  const healthy = findCondition(conds, 'Healthy');
  if (!installed && !healthy) return { status: 'Progressing', message: `Waiting for ${obj.kind.toLowerCase()} to be installed` };
  const lag = generationLag(obj);
  if (lag) return { status: 'Progressing', message: lag };
  const summary = [installed, healthy].filter((c) => c !== undefined).map((c) => `${c!.type}=${c!.status}${describe(c!) ? ` (${describe(c!)})` : ''}`).join(', ');
  if (installed?.status === 'False' || healthy?.status === 'False') return { status: 'Degraded', message: summary };
  if (installed?.status === 'True' && healthy?.status === 'True') return { status: 'Healthy', message: [installed.reason, healthy.reason].filter(Boolean).join(' ') };
  return { status: 'Progressing', message: summary };
}
