import { parseAllDocuments } from 'yaml';
import type { KubeObject, SourcedObject } from '../../src/core/model/object.ts';

export function parseManifests(text: string): SourcedObject[] {
  return parseAllDocuments(text).map((d) => ({ object: d.toJS() as KubeObject }));
}
