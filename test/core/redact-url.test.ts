import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactUrlCredentials, SecretScrubber, urlPasswords } from '../../src/core/redact-secrets.ts';

test('redactUrlCredentials: the password of scheme://user:password@ goes, the rest stays', () => {
  const cases: Array<[string, string]> = [
    ['dial postgres://app:s3cr3t-Pw@db:5432/app?sslmode=require failed', 'dial postgres://app:++++++++@db:5432/app?sslmode=require failed'],
    ['redis://:hunter22@r:6379', 'redis://:++++++++@r:6379'],
    ['mongodb://u:p@ss@h1,h2/db', 'mongodb://u:++++++++@h1,h2/db'], // an unencoded @ in the password
    ['"https://ci:tok%40en@git.example.com/r.git"', '"https://ci:++++++++@git.example.com/r.git"'],
    ['no credentials: https://github.com/o/r and git@github.com:o/r.git', 'no credentials: https://github.com/o/r and git@github.com:o/r.git'],
    ['https://host:8443/path', 'https://host:8443/path'],
  ];
  for (const [input, want] of cases) assert.equal(redactUrlCredentials(input), want, input);
});

test('urlPasswords: as written and percent-decoded, for scrubbing where they appear alone', () => {
  assert.ok(urlPasswords('url: https://ci:tok%40en-9@git.example.com').includes('tok@en-9'));
  assert.ok(urlPasswords('postgres://app:s3cr3t-Pw@db').includes('s3cr3t-Pw'));
  assert.deepEqual(urlPasswords('https://github.com/o/r'), []);
});

test('SecretScrubber: values of every registered Secret, in any form, anywhere in nested text', () => {
  const s = new SecretScrubber().addSecretsOf([
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'a' }, data: { pw: Buffer.from('from-data-1234').toString('base64') } },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'b' }, stringData: { token: 'from-stringdata-5678' } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { plain: 'visible-value' } },
  ]).addValues(['extra-value-90']);
  const out = s.scrubDeep({ summary: 'from-data-1234 / from-stringdata-5678 / visible-value', list: [{ message: 'extra-value-90 at x://u:pw12@h' }], n: 3 });
  assert.deepEqual(out, { summary: '++++++++ / ++++++++ / visible-value', list: [{ message: '++++++++ at x://u:++++++++@h' }], n: 3 });
});
