// Every live object in test/fixtures/health/*.yaml carries its expected health in an annotation;
// this runs the whole table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { assessHealth } from '../../src/core/health/index.ts';
import type { KubeObject } from '../../src/core/model/object.ts';

const dir = join(import.meta.dirname, '..', 'fixtures', 'health');
const EXPECT = 'expect.driftguard.dev/health';
const EXPECT_MSG = 'expect.driftguard.dev/message';

const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

test('fixtures exist', () => {
  assert.ok(files.length >= 5);
});

for (const file of files) {
  const docs = parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((d) => d.toJS() as KubeObject);
  for (const obj of docs) {
    const want = obj.metadata.annotations?.[EXPECT];
    const wantMsg = obj.metadata.annotations?.[EXPECT_MSG];
    test(`${file}: ${obj.apiVersion} ${obj.kind} ${obj.metadata.name} is ${want}`, () => {
      assert.ok(want, 'fixture lacks the expected-health annotation');
      const got = assessHealth(obj);
      assert.ok(got, 'expected a health result');
      assert.equal(got.status, want, `message: ${got.message}`);
      if (wantMsg) assert.ok(got.message.includes(wantMsg), `message ${JSON.stringify(got.message)} lacks ${JSON.stringify(wantMsg)}`);
    });
  }
}
