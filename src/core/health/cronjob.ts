// CronJob health, after Argo CD's resource_customizations/batch/CronJob/health.lua.
// A CronJob is judged by its last run: lastSuccessfulTime older than lastScheduleTime with no active
// Job means the last run failed. Timestamps are RFC 3339 UTC, compared as instants.
// A suspended CronJob is Healthy (message "CronJob is Suspended"), as Argo CD reports it since
// argo-cd#24428: a Suspended child would otherwise hold the whole app at Suspended.
import type { KubeObject } from '../model/object.ts';
import type { HealthResult } from './types.ts';
import { asArray, spec, str } from './fields.ts';

export function cronJobHealth(obj: KubeObject): HealthResult {
  if (spec(obj).suspend === true) return { status: 'Healthy', message: 'CronJob is Suspended' };
  if (obj.status === undefined || obj.status === null) return { status: 'Progressing', message: 'Waiting for CronJob' };
  const st = obj.status as Record<string, unknown>;
  const lastSchedule = str(st.lastScheduleTime);
  if (!lastSchedule) return { status: 'Healthy', message: 'CronJob has not been scheduled yet' };
  const lastSuccess = str(st.lastSuccessfulTime);
  if (!lastSuccess) {
    // First run still going, or never succeeded: the status cannot tell which.
    return { status: 'Healthy', message: 'The CronJob never completed successfully. It may not be healthy' };
  }
  if (asArray(st.active).length > 0) {
    return { status: 'Healthy', message: 'The job is running. Its last execution may not have been successful' };
  }
  if (Date.parse(lastSuccess) < Date.parse(lastSchedule)) {
    return { status: 'Degraded', message: 'CronJob has not completed its last execution successfully' };
  }
  return { status: 'Healthy', message: 'CronJob has completed its last execution successfully' };
}
