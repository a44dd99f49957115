// Crossplane Composition (apiextensions.crossplane.io): a template with no status of its own; the API
// server's validation (and Crossplane's webhook) is all the checking it gets. Healthy once it exists.
import type { KubeObject } from '../model/object.ts';
import type { HealthResult } from './types.ts';

export function compositionHealth(_obj: KubeObject): HealthResult {
  return { status: 'Healthy', message: 'Composition has no status; it is valid once accepted by the API server' };
}
