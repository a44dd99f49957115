// Schema findings for rendered objects: each object against the schema of its apiVersion/kind, each
// issue located at the offending field (the object's field locator), else at the object.
import { keyOf, parseApiVersion, type SourcedObject } from '../model/object.ts';
import { formatPath, type Finding } from '../policy/types.ts';
import { SchemaChecker } from './check-schema.ts';
import type { SchemaSet } from './schema-set.ts';

export interface SchemaFindings {
  findings: Finding[];
  /** `apiVersion Kind` of objects no schema covers. */
  unchecked: string[];
}

export function isCrd(so: SourcedObject): boolean {
  return so.object.kind === 'CustomResourceDefinition' && parseApiVersion(so.object.apiVersion).group === 'apiextensions.k8s.io';
}

export function schemaFindings(objects: SourcedObject[], schemas: SchemaSet, defaultNamespace = ''): SchemaFindings {
  const set = schemas.withCrds(objects.filter(isCrd).map((so) => so.object));
  const checker = new SchemaChecker(set);
  const findings: Finding[] = [];
  const unchecked = new Set<string>();
  for (const so of objects) {
    const { group, version } = parseApiVersion(so.object.apiVersion);
    const root = set.root(group, version, so.object.kind);
    if (!root) {
      unchecked.add(`${so.object.apiVersion} ${so.object.kind}`);
      continue;
    }
    const resource = keyOf(so.object, defaultNamespace);
    for (const issue of checker.check(so.object, root, so.object.kind)) {
      const location = so.fields?.(issue.path) ?? so.source;
      findings.push({
        rule: 'schema', severity: 'error', message: issue.message, resource,
        ...(issue.path.length ? { path: formatPath(issue.path) } : {}),
        ...(location ? { location } : {}),
      });
    }
  }
  return { findings, unchecked: [...unchecked].sort() };
}
