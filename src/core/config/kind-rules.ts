// What the schema cannot say about a project's kind lists: a group is an API group, not an apiVersion,
// and a built-in kind is listed where its scope can match (ClusterRole under allowedNamespacedKinds
// would never allow anything, and silently so).
import { builtinScope } from '../policy/kind-scopes.ts';
import type { KindRule } from './types.ts';
import type { ConfigProblem, YamlSource } from './yaml-source.ts';

const LISTS = ['allowedNamespacedKinds', 'allowedClusterKinds', 'deniedKinds'] as const;

export function kindRuleProblems(src: YamlSource, i: number, project: Partial<Record<(typeof LISTS)[number], KindRule[]>>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const list of LISTS) {
    (project[list] ?? []).forEach((r, j) => {
      const at = (field: string) => src.locate(['projects', i, list, j, field]);
      const where = `projects[${i}].${list}[${j}]`;
      if (r.group.includes('/')) {
        problems.push({ message: `${where}.group: "${r.group}" looks like an apiVersion; give the API group only ("${r.group.split('/')[0]}", "" for the core group)`, location: at('group') });
      }
      const scope = /[*?]/.test(r.group + r.kind) ? undefined : builtinScope(r.group, r.kind);
      if (list === 'allowedNamespacedKinds' && scope === 'cluster') {
        problems.push({ message: `${where}: ${r.kind} is cluster-scoped; list it under allowedClusterKinds`, location: at('kind') });
      } else if (list === 'allowedClusterKinds' && scope === 'namespaced') {
        problems.push({ message: `${where}: ${r.kind} is namespaced; list it under allowedNamespacedKinds (namespaced kinds are all allowed unless that list is set)`, location: at('kind') });
      }
    });
  }
  return problems;
}
