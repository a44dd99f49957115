// Argo Rollouts AnalysisRun: status.phase is Pending, Running, Successful, Failed, Error or
// Inconclusive (api/v1alpha1 AnalysisPhase). Inconclusive pauses the owning Rollout until a person
// decides; like Argo CD we call that Unknown, since the run itself neither passed nor failed.
// A terminated run (spec.terminate) ends Successful with "Run Terminated".
import type { KubeObject } from '../model/object.ts';
import type { HealthResult } from './types.ts';
import { status, str } from './fields.ts';

export function analysisRunHealth(obj: KubeObject): HealthResult {
  const st = status(obj);
  const message = str(st.message);
  switch (str(st.phase)) {
    case 'Pending':
    case 'Running':
      return { status: 'Progressing', message: 'Analysis run is running' };
    case 'Successful':
      return { status: 'Healthy', message: message || 'Analysis run completed successfully' };
    case 'Failed':
      return { status: 'Degraded', message: message || 'Analysis run failed' };
    case 'Error':
      return { status: 'Degraded', message: message || 'Analysis run had an error' };
    case 'Inconclusive':
      return { status: 'Unknown', message: message || 'Analysis run was inconclusive' };
    default:
      return { status: 'Progressing', message: 'Waiting for analysis run to finish: status has not been reconciled.' };
  }
}
