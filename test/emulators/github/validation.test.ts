// Requests GitHub would refuse are refused the same way: OpenAPI validation of path, query and body,
// GitHub's own extra rules (50 annotations, conclusion to complete), GitHub's error shape.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OWNER, REPO, installationToken, startFixture, type Fixture } from './setup.ts';

interface Case {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  rawBody?: string;
  status: number;
  message: RegExp;
  errorField?: string;
}

const repo = `/repos/${OWNER}/${REPO}`;
const annotations = (n: number) => Array.from({ length: n }, (_, i) => ({ path: 'a.yaml', start_line: i + 1, end_line: i + 1, annotation_level: 'warning', message: 'm' }));

describe('GitHub emulator: invalid requests', () => {
  let f: Fixture;
  let token: string;
  let head: string;
  before(async () => {
    f = await startFixture();
    token = await installationToken(f);
    head = f.git.shas[1];
  });
  after(() => f.close());

  const cases = (): Case[] => [
    { name: 'check run name of the wrong type', method: 'POST', path: `${repo}/check-runs`, body: { name: 42, head_sha: head }, status: 422, message: /For 'properties\/name', 42 is not a string\./, errorField: 'name' },
    { name: 'check run without head_sha', method: 'POST', path: `${repo}/check-runs`, body: { name: 'x' }, status: 422, message: /"head_sha" wasn't supplied\./, errorField: 'head_sha' },
    { name: "check run status 'done'", method: 'POST', path: `${repo}/check-runs`, body: { name: 'x', head_sha: head, status: 'done' }, status: 422, message: /"done" is not a member of \["queued", "in_progress", "completed"\]/ },
    { name: 'check run conclusion unknown', method: 'POST', path: `${repo}/check-runs`, body: { name: 'x', head_sha: head, conclusion: 'passed' }, status: 422, message: /"passed" is not a member of/ },
    { name: '51 annotations in one request', method: 'POST', path: `${repo}/check-runs`, body: { name: 'x', head_sha: head, output: { title: 't', summary: 's', annotations: annotations(51) } }, status: 422, message: /'properties\/output\/annotations', .* must NOT have more than 50 items/ },
    { name: 'completed without conclusion', method: 'POST', path: `${repo}/check-runs`, body: { name: 'x', head_sha: head, status: 'completed' }, status: 422, message: /"conclusion" wasn't supplied/ },
    { name: 'output without summary', method: 'POST', path: `${repo}/check-runs`, body: { name: 'x', head_sha: head, output: { title: 't' } }, status: 422, message: /"summary" wasn't supplied/ },
    { name: 'check-run text over 65535 characters', method: 'POST', path: `${repo}/check-runs`, body: { name: 'x', head_sha: head, output: { title: 't', summary: 's', text: 'x'.repeat(65536) } }, status: 422, message: /must NOT have more than 65535 characters/ },
    { name: 'head_sha that is no commit', method: 'POST', path: `${repo}/check-runs`, body: { name: 'x', head_sha: 'f'.repeat(40) }, status: 422, message: /No commit found for SHA/ },
    { name: 'annotation level unknown', method: 'POST', path: `${repo}/check-runs`, body: { name: 'x', head_sha: head, output: { title: 't', summary: 's', annotations: [{ ...annotations(1)[0], annotation_level: 'error' }] } }, status: 422, message: /"error" is not a member of \["notice", "warning", "failure"\]/ },
    { name: 'comment without body', method: 'POST', path: `${repo}/issues/1/comments`, body: {}, status: 422, message: /"body" wasn't supplied/ },
    { name: 'comment over 65536 characters', method: 'POST', path: `${repo}/issues/1/comments`, body: { body: 'é'.repeat(65537) }, status: 422, message: /Validation Failed/ },
    { name: 'deployment status state unknown', method: 'POST', path: `${repo}/deployments/1/statuses`, body: { state: 'done' }, status: 422, message: /"done" is not a member of/ },
    { name: 'deployment without ref', method: 'POST', path: `${repo}/deployments`, body: { environment: 'prod' }, status: 422, message: /"ref" wasn't supplied/ },
    { name: 'malformed JSON', method: 'POST', path: `${repo}/issues/1/comments`, rawBody: '{"body": ', status: 400, message: /^Problems parsing JSON$/ },
    { name: 'per_page that is not an integer', method: 'GET', path: `${repo}/pulls/1/files?per_page=lots`, status: 422, message: /"lots" is not an integer/ },
    { name: 'check run filter enum', method: 'GET', path: `${repo}/commits/main/check-runs?filter=newest`, status: 422, message: /"newest" is not a member of \["latest", "all"\]/ },
    { name: 'pull number that is not a number', method: 'GET', path: `${repo}/pulls/abc`, status: 404, message: /^Not Found$/ },
    { name: 'unknown path', method: 'GET', path: `${repo}/no-such-thing`, status: 404, message: /^Not Found$/ },
    { name: 'unknown method on a known path', method: 'DELETE', path: `${repo}/check-runs`, status: 404, message: /^Not Found$/ },
    { name: 'unknown repository', method: 'GET', path: `/repos/${OWNER}/other`, status: 404, message: /^Not Found$/ },
  ];

  it('answers each invalid request with GitHub’s status and error shape', async () => {
    for (const c of cases()) {
      const res = await fetch(`${f.em.apiUrl}${c.path}`, {
        method: c.method,
        headers: { authorization: `token ${token}`, 'content-type': 'application/json', accept: 'application/vnd.github+json' },
        body: c.rawBody ?? (c.body === undefined ? undefined : JSON.stringify(c.body)),
      });
      const body = await res.json();
      assert.equal(res.status, c.status, `${c.name}: ${JSON.stringify(body)}`);
      assert.match(body.message, c.message, c.name);
      assert.equal(body.status, String(c.status), c.name);
      assert.match(body.documentation_url, /^https:\/\/docs\.github\.com\//, c.name);
      if (c.errorField) assert.ok(body.errors.some((e: { field: string }) => e.field === c.errorField), `${c.name}: ${JSON.stringify(body.errors)}`);
    }
    assert.equal(f.em.checkRuns(OWNER, REPO).length, 0, 'no invalid check run was stored');
    assert.equal(f.em.comments(OWNER, REPO).length, 0, 'no invalid comment was stored');
  });

  it('rejects an update that would exceed the per-request annotation limit but keeps the run unchanged', async () => {
    const created = await f.octokit.checks.create({ owner: OWNER, repo: REPO, name: 'driftguard / web', head_sha: head, status: 'in_progress' });
    await assert.rejects(
      f.octokit.checks.update({ owner: OWNER, repo: REPO, check_run_id: created.data.id, output: { title: 't', summary: 's', annotations: annotations(60) as never } }),
      (e: { status: number }) => e.status === 422,
    );
    await assert.rejects(
      f.octokit.checks.update({ owner: OWNER, repo: REPO, check_run_id: created.data.id, status: 'completed' }),
      (e: { status: number }) => e.status === 422,
    );
    const run = f.em.checkRuns(OWNER, REPO)[0];
    assert.equal(run.status, 'in_progress');
    assert.equal(run.annotations.length, 0);
  });

  it('rejects expired-style and foreign tokens with 401, and hides other installations’ repos', async () => {
    const bad = await fetch(`${f.em.apiUrl}${repo}`, { headers: { authorization: 'token ghs_notarealtoken' } });
    assert.equal(bad.status, 401);
    await f.em.addRepo({ owner: 'other-org', name: 'infra' });
    const hidden = await fetch(`${f.em.apiUrl}/repos/other-org/infra`, { headers: { authorization: `token ${token}` } });
    assert.equal(hidden.status, 404);
    const jwtOnRepo = await fetch(`${f.em.apiUrl}/app`, { headers: { authorization: `bearer ${token}` } });
    assert.equal(jwtOnRepo.status, 401);
  });
});
