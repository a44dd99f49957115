// Kustomize quotes secretGenerator inputs in some errors (a literal without `=`, an env line that is
// not UTF-8). The message shown in check runs and the CLI is scrubbed of every value the
// secretGenerators read; the file:line stays. Real kubectl kustomize.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { renderApp } from '../../src/render/render.ts';
import { secretGeneratorValues } from '../../src/render/redact-tool-error.ts';
import { findLeaks } from './system.ts';

function repo(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'driftguard-sec-kz-'));
  for (const [p, t] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), t);
  }
  return dir;
}

const cases: Array<{ name: string; files: Record<string, string | Buffer>; secrets: string[]; shown: RegExp }> = [
  {
    name: 'literal without key= in a nested base',
    files: {
      'app/kustomization.yaml': 'resources: [../base]\n',
      'base/kustomization.yaml': 'secretGenerator:\n- name: db\n  literals:\n  - user=app\n  - s3cr3t-literal-no-key-1\n',
    },
    secrets: ['s3cr3t-literal-no-key-1'],
    shown: /invalid literal source \+{8}, expected key=value/,
  },
  {
    name: 'env file line that is not UTF-8',
    files: {
      'app/kustomization.yaml': 'secretGenerator:\n- name: db\n  envs: [db.env]\n',
      'app/db.env': Buffer.concat([Buffer.from('USER=app\n'), Buffer.from([0xff, 0xfe]), Buffer.from('PASSWORD=env-s3cr3t-utf8-2\n')]),
    },
    secrets: ['env-s3cr3t-utf8-2', String([0xff, 0xfe, ...Buffer.from('PASSWORD=env-s3cr3t-utf8-2')].join(' '))],
    shown: /has invalid utf8 bytes/,
  },
];

for (const c of cases) {
  test(`kustomize errors do not show secretGenerator values: ${c.name}`, async () => {
    const root = repo(c.files);
    try {
      await assert.rejects(renderApp({ root, path: 'app' }), (e: Error & { location?: { file: string; line: number } }) => {
        assert.deepEqual(findLeaks(e.message, c.secrets), [], e.message);
        assert.match(e.message, c.shown);
        assert.ok(e.location?.file.endsWith('kustomization.yaml'), `location kept: ${JSON.stringify(e.location)}`);
        return true;
      });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
}

test('secretGeneratorValues covers literals (quoted or not), env values and data files, not keys', () => {
  const root = repo({ 'e.env': '# comment\nA=env-value-1\nB= spaced-value-2 \n', 'f.pem': '-----BEGIN KEY-----\nMIIBfilelinesecret\n-----END KEY-----\n' });
  try {
    const forms = secretGeneratorValues({ literals: ['k="quoted-literal-3"', 'plain-literal-4'], envFiles: [join(root, 'e.env')], files: [join(root, 'f.pem')] });
    for (const v of ['quoted-literal-3', '"quoted-literal-3"', 'plain-literal-4', 'env-value-1', 'spaced-value-2', 'MIIBfilelinesecret']) assert.ok(forms.includes(v), v);
    assert.ok(!forms.includes('A') && !forms.includes('k'), 'keys stay readable');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
