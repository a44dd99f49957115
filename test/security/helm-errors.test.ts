// Helm errors can print values (`{{ fail .Values.password }}`, `include`/`tpl` of a value): the
// message shown in check runs and the CLI is scrubbed of values at secret-looking keys. Real helm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { renderApp } from '../../src/render/render.ts';
import { findLeaks } from './system.ts';

function chart(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'driftguard-sec-helm-'));
  for (const [p, t] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), t);
  }
  return dir;
}

test('helm errors that print values are scrubbed of secret-looking values (values.yaml, values files, inline, --set)', async () => {
  const root = chart({
    'c/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n',
    'c/values.yaml': 'password: from-values-yaml-pw\nimage: nginx:1.27\n',
    'c/prod.yaml': 'db:\n  credentials:\n    user: from-values-file-user\n',
    'c/templates/a.yaml': '{{ if .Values.which }}{{ fail (printf "%s %s %s %s %s" .Values.password .Values.db.credentials.user .Values.apiToken .Values.auth.clientSecret .Values.image) }}{{ end }}\n',
  });
  try {
    await assert.rejects(
      renderApp({ root, path: 'c', helm: { valueFiles: ['prod.yaml'], values: { which: true, apiToken: 'inline-api-token-1' }, set: ['auth.clientSecret=set-client-secret-2'] } }),
      (e: Error & { location?: { file: string } }) => {
        assert.deepEqual(findLeaks(e.message, ['from-values-yaml-pw', 'from-values-file-user', 'inline-api-token-1', 'set-client-secret-2']), []);
        assert.match(e.message, /nginx:1\.27/, 'non-secret values stay readable');
        assert.equal(e.location?.file, 'c/templates/a.yaml', 'the location survives');
        return true;
      },
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});


test('helm errors are scrubbed of every 8+ character string from secret-named values files, whatever the key', async () => {
  const root = chart({
    'c/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n',
    'c/values.yaml': 'image: nginx:1.27\ndb:\n  host: db.internal.example\n',
    'c/secrets.prod.yaml': 'db:\n  url: postgres://app:pw-in-url-1234@db/app\n  port: "5432"\n',
    'c/values.enc.yaml': 'smtp:\n  relay: relay-login-5678:hidden\n',
    'c/templates/a.yaml': '{{ if .Values.which }}{{ fail (printf "%s %s %s %s %s" .Values.db.url .Values.smtp.relay .Values.image .Values.db.host .Values.db.port) }}{{ end }}\n',
  });
  try {
    await assert.rejects(
      renderApp({ root, path: 'c', helm: { valueFiles: ['secrets.prod.yaml', 'values.enc.yaml'], values: { which: true } } }),
      (e: Error & { location?: { file: string } }) => {
        assert.deepEqual(findLeaks(e.message, ['postgres://app:pw-in-url-1234@db/app', 'pw-in-url-1234', 'relay-login-5678:hidden']), [], e.message);
        assert.match(e.message, /nginx:1\.27 db\.internal\.example 5432/, 'values from other files and short strings stay readable');
        assert.equal(e.location?.file, 'c/templates/a.yaml');
        return true;
      },
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
