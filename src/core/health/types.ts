// Health of one object and of an app, following Argo CD's vocabulary.
export type HealthStatus = 'Healthy' | 'Suspended' | 'Progressing' | 'Missing' | 'Degraded' | 'Unknown';

/** Worst-wins order for aggregation (index = severity). */
export const HEALTH_ORDER: readonly HealthStatus[] = ['Healthy', 'Suspended', 'Progressing', 'Missing', 'Degraded', 'Unknown'];

export interface HealthResult {
  status: HealthStatus;
  message: string;
}

/** Per-object health as the CLI prints it (`driftguard health --output json`). */
export interface ObjectHealth extends HealthResult {
  group: string;
  kind: string;
  namespace: string;
  name: string;
}
