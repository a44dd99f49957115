// Pod health, after Argo CD (gitops-engine health_pod.go).
// - restartPolicy Always: a container waiting with reason Err*/ *Error/ *BackOff (ImagePullBackOff,
//   CrashLoopBackOff, ErrImagePull, CreateContainerConfigError, ...) is Degraded whatever the phase.
//   Not applied to OnFailure/Never pods: those are usually hooks/jobs that may still recover.
// - Running + not Ready: Degraded if a container has terminated before, else Progressing.
// - Running with restartPolicy OnFailure/Never is Progressing (finite pods), unless annotated
//   `argocd.argoproj.io/ignore-restart-policy` or `driftguard.dev/ignore-restart-policy`.
import type { KubeObject } from '../model/object.ts';
import { PREFIX } from '../ownership.ts';
import type { HealthResult } from './types.ts';
import { asArray, asObj, conditions, findCondition, num, spec, status, str, type Obj } from './fields.ts';

export const IGNORE_RESTART_POLICY_ANNOTATIONS = ['argocd.argoproj.io/ignore-restart-policy', `${PREFIX}ignore-restart-policy`];

function isErrorWaitingReason(reason: string): boolean {
  return reason.startsWith('Err') || reason.endsWith('Error') || reason.endsWith('BackOff');
}

function failMessage(ctr: Obj): string {
  const terminated = asObj(asObj(ctr.state).terminated);
  if (Object.keys(terminated).length === 0) return '';
  if (str(terminated.message)) return str(terminated.message);
  if (str(terminated.reason) === 'OOMKilled') return 'OOMKilled';
  const code = num(terminated.exitCode);
  if (code !== 0) return `container "${str(ctr.name)}" failed with exit code ${code}`;
  return '';
}

export function podHealth(obj: KubeObject): HealthResult {
  const st = status(obj);
  const message = str(st.message);
  const restartPolicy = str(spec(obj).restartPolicy) || 'Always'; // API default
  const containers = asArray(st.containerStatuses).map(asObj);

  if (restartPolicy === 'Always') {
    const messages: string[] = [];
    for (const c of containers) {
      const waiting = asObj(asObj(c.state).waiting);
      const reason = str(waiting.reason);
      if (reason && isErrorWaitingReason(reason)) messages.push(str(waiting.message) || `${str(c.name)}: ${reason}`);
    }
    if (messages.length > 0) return { status: 'Degraded', message: messages.join(', ') };
  }

  switch (str(st.phase)) {
    case 'Pending':
      return { status: 'Progressing', message };
    case 'Succeeded':
      return { status: 'Healthy', message };
    case 'Failed': {
      if (message) return { status: 'Degraded', message };
      for (const c of [...asArray(st.initContainerStatuses).map(asObj), ...containers]) {
        const m = failMessage(c);
        if (m) return { status: 'Degraded', message: m };
      }
      return { status: 'Degraded', message: '' };
    }
    case 'Running': {
      const annotations = obj.metadata?.annotations ?? {};
      const ignorePolicy = IGNORE_RESTART_POLICY_ANNOTATIONS.some((a) => a in annotations);
      if (!ignorePolicy && (restartPolicy === 'OnFailure' || restartPolicy === 'Never')) {
        return { status: 'Progressing', message };
      }
      if (findCondition(conditions(obj), 'Ready')?.status === 'True') return { status: 'Healthy', message };
      const restarted = containers.some((c) => Object.keys(asObj(asObj(c.lastState).terminated)).length > 0);
      return { status: restarted ? 'Degraded' : 'Progressing', message };
    }
    default:
      return { status: 'Unknown', message };
  }
}
