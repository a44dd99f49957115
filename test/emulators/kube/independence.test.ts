// The emulators must not run Driftguard's own code: a mistake in the product's field logic reused by
// the Kubernetes emulator would be made twice and every test would pass. Type-only imports of plain
// data shapes (KubeObject) are erased at runtime and stay allowed. A static check of the import
// statements (the project's TypeScript has no JS compiler API to parse with).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SRC = join(ROOT, 'src') + sep;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(ts|mts|js|mjs)$/.test(e.name) ? [p] : [];
  });
}

/** Comments blanked out (strings kept), so the patterns below only see code; offsets are kept. */
function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|('(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`)/g,
    (m, str: string | undefined) => (str ? m : m.replace(/[^\n]/g, ' ')));
}

const STATIC = /\b(import|export)\s+(type\s+)?([\w*${}\s,]*?)\s*from\s*(['"])([^'"]+)\4/g;
const BARE = /\bimport\s*(['"])([^'"]+)\1/g;
const CALL = /(\btypeof\s+|[:<|&]\s*)?\b(import|require)\s*\(\s*(['"])([^'"]+)\3\s*\)/g;

/** Whether `import {…}`/`export {…}` names only `type`-qualified bindings (erased at runtime). */
function onlyTypes(clause: string): boolean {
  const m = /^\{([\s\S]*)\}$/.exec(clause.trim());
  if (!m) return false;
  const names = m[1]!.split(',').map((x) => x.trim()).filter(Boolean);
  return names.length > 0 && names.every((n) => /^type\s/.test(n));
}

/** `file:line: specifier` for every import of a module under src/ that survives compilation (a cheap static check). */
export function valueImportsFromSrc(file: string, text: string): string[] {
  const code = stripComments(text);
  const out: string[] = [];
  const hit = (index: number, spec: string): void => {
    if (!spec.startsWith('.') || !resolve(dirname(file), spec).startsWith(SRC)) return;
    const line = code.slice(0, index).split('\n').length;
    out.push(`${relative(ROOT, file)}:${line}: ${spec}`);
  };
  for (const m of code.matchAll(STATIC)) {
    if (m[2] || onlyTypes(m[3]!)) continue;
    hit(m.index!, m[5]!);
  }
  for (const m of code.matchAll(BARE)) hit(m.index!, m[2]!);
  for (const m of code.matchAll(CALL)) {
    // `typeof import('x')`, `: import('x').T`, `type T = import('x').T` are types
    const lineStart = code.lastIndexOf('\n', m.index!) + 1;
    if (m[1] || (m[2] === 'import' && /^\s*(export\s+)?type\s/.test(code.slice(lineStart, m.index!)))) continue;
    hit(m.index!, m[4]!);
  }
  return out;
}

test('the checker tells value imports from type-only ones', () => {
  const file = join(ROOT, 'emulators', 'kube', 'x.ts');
  const cases: Array<[string, boolean]> = [
    ["import type { KubeObject } from '../../src/core/model/object.ts';", false],
    ["import { type KubeObject } from '../../src/core/model/object.ts';", false],
    ["export type { KubeObject } from '../../src/core/model/object.ts';", false],
    ["type T = import('../../src/core/model/object.ts').KubeObject;", false],
    ["import { parseApiVersion } from '../../src/core/model/object.ts';", true],
    ["import { type KubeObject, parseApiVersion } from '../../src/core/model/object.ts';", true],
    ["import '../../src/core/model/object.ts';", true],
    ["export { FieldSet } from '../../src/core/fields/fieldset.ts';", true],
    ["export * from '../../src/core/fields/fieldset.ts';", true],
    ["const m = await import('../../src/core/fields/fieldset.ts');", true],
    ["import { FieldSet } from './merge/field-set.ts';", false],
    ["import {\n  type A,\n  value,\n} from '../../src/core/fields/fieldset.ts';", true],
    ["// import { x } from '../../src/core/errors.ts';", false],
    ["const r = require('../../src/core/errors.ts');", true],
  ];
  for (const [text, bad] of cases) assert.equal(valueImportsFromSrc(file, text).length > 0, bad, text);
});

test('no file under emulators/ imports Driftguard code from src/ at runtime', () => {
  const files = sourceFiles(join(ROOT, 'emulators'));
  assert.ok(files.length > 20, 'found the emulator sources');
  const hits = files.flatMap((f) => valueImportsFromSrc(f, readFileSync(f, 'utf8')));
  assert.deepEqual(hits, []);
});
