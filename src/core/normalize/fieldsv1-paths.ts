// Membership queries straight on managedFields[].fieldsV1 JSON, without building a FieldSet: the
// diff asks a handful of questions per object, so parsing whole field sets would dominate its cost.
// Keys the API server writes are canonical already; a level whose k:/v: keys are spelled otherwise
// (hand-written fixtures, other serializers) is canonicalized once and cached.
import { canonicalElement } from '../fields/element.ts';
import { getAtPath, type FieldPath } from '../fields/fieldset.ts';
import type { PathSet } from './project.ts';
import { isPlainObject } from './values.ts';

type Level = Record<string, unknown>;
const canonicalLevels = new WeakMap<Level, Map<string, Level>>();

function child(level: Level, el: string): Level | undefined {
  const direct = level[el];
  if (direct !== undefined) return isPlainObject(direct) ? direct : {};
  if (el.startsWith('f:')) return undefined;
  let canon = canonicalLevels.get(level);
  if (!canon) {
    canon = new Map();
    for (const raw in level) {
      if (raw.startsWith('f:') || raw === '.') continue;
      const c = canonicalElement(raw);
      const v = level[raw];
      if (c !== undefined) canon.set(c, isPlainObject(v) ? v : {});
    }
    canonicalLevels.set(level, canon);
  }
  return canon.get(el);
}

function find(root: Level, path: FieldPath): Level | undefined {
  let cur: Level | undefined = root;
  for (let i = 0; i < path.length && cur; i++) cur = child(cur, path[i]!);
  return cur;
}

function hasChildren(level: Level): boolean {
  for (const k in level) if (k !== '.') return true;
  return false;
}

/** A PathSet over one or more fieldsV1 trees (their union). */
export class FieldsV1Paths implements PathSet {
  constructor(private readonly roots: readonly Level[]) {}

  /** Exact membership: a childless node or one marked '.'. */
  has(path: FieldPath): boolean {
    if (path.length === 0) return false;
    for (const r of this.roots) {
      const n = find(r, path);
      if (n && ('.' in n || !hasChildren(n))) return true;
    }
    return false;
  }

  /** The path or anything below it is a member. */
  hasPrefix(path: FieldPath): boolean {
    for (const r of this.roots) if (find(r, path) !== undefined) return true;
    return false;
  }
}

/**
 * A PathSet over an applied object itself (kubectl's last-applied-configuration): a path is in it
 * when the object sets a value there, as server-side apply would have recorded. Walks the object on
 * demand instead of materializing its field set.
 */
export class AppliedObjectPaths implements PathSet {
  constructor(private readonly obj: unknown) {}

  /** The applied value at `path`; a null (a field the apply removed) counts as absent. */
  private at(path: FieldPath): unknown {
    const v = getAtPath(this.obj, path);
    return v === null ? undefined : v;
  }

  has(path: FieldPath): boolean {
    if (path.length === 0) return false;
    const v = this.at(path);
    if (v === undefined) return false;
    const last = path[path.length - 1]!;
    return !isPlainObject(v) || !hasChildren(v) || !last.startsWith('f:');
  }

  hasPrefix(path: FieldPath): boolean {
    return this.at(path) !== undefined;
  }
}
