// Argo Rollouts Experiment: status.phase shares the AnalysisRun phases (Pending, Running, Successful,
// Failed, Error, Inconclusive); status.message says why it ended. An Experiment whose analysis was
// Inconclusive is Unknown for the same reason as an AnalysisRun (Argo CD's script gives it no status).
import type { KubeObject } from '../model/object.ts';
import type { HealthResult } from './types.ts';
import { status, str } from './fields.ts';

export function experimentHealth(obj: KubeObject): HealthResult {
  const st = status(obj);
  const message = str(st.message);
  switch (str(st.phase)) {
    case 'Pending':
      return { status: 'Progressing', message: 'Experiment is pending' };
    case 'Running':
      return { status: 'Progressing', message: 'Experiment is running' };
    case 'Successful':
      return { status: 'Healthy', message: 'Experiment is successful' };
    case 'Failed':
      return { status: 'Degraded', message: message ? `Experiment has failed: ${message}` : 'Experiment has failed' };
    case 'Error':
      return { status: 'Degraded', message: message ? `Experiment had an error: ${message}` : 'Experiment had an error' };
    case 'Inconclusive':
      return { status: 'Unknown', message: message || 'Experiment was inconclusive' };
    default:
      return { status: 'Progressing', message: 'Waiting for experiment to finish: status has not been reconciled.' };
  }
}
