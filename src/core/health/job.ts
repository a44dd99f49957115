// Job health, after Argo CD (gitops-engine health_job.go): a Failed condition wins, then Suspended
// (status True), then Complete; without any of them the Job is still running.
import type { KubeObject } from '../model/object.ts';
import type { HealthResult } from './types.ts';
import { conditions } from './fields.ts';

export function jobHealth(obj: KubeObject): HealthResult {
  let failed = false;
  let complete = false;
  let suspended = false;
  let failMessage = '';
  let message = '';
  for (const c of conditions(obj)) {
    switch (c.type) {
      case 'Failed':
        failed = true;
        complete = true;
        failMessage = c.message || c.reason;
        break;
      case 'Complete':
        complete = true;
        message = c.message;
        break;
      case 'Suspended':
        complete = true;
        message = c.message;
        if (c.status === 'True') suspended = true;
        break;
    }
  }
  if (!complete) return { status: 'Progressing', message };
  if (failed) return { status: 'Degraded', message: failMessage };
  if (suspended) return { status: 'Suspended', message };
  return { status: 'Healthy', message };
}
