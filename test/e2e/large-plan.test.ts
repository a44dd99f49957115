// A 300-resource change through the whole system: the plan comment and check run stay within
// GitHub's limits (the GitHub emulator refuses larger ones, as GitHub does) with valid markdown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSystem, type System } from '../../src/devtools/system.ts';
import { MARKER } from '../../src/core/report/index.ts';

const N = 300;
const CONFIG = `apps:
  - name: bulk
    path: deploy/bulk
    cluster: dev
    namespace: bulk
    syncPolicy: {automated: true, prune: true}
`;

/** One ConfigMap per file, with enough lines that 300 changed ones cannot fit one comment. */
function configMaps(version: string): Record<string, string> {
  const files: Record<string, string> = { '.github/driftguard.yml': CONFIG };
  for (let i = 0; i < N; i++) {
    const lines = Array.from({ length: 12 }, (_, j) => `  key-${j}: "value ${j} of settings-${i} ${version} ✓"`).join('\n');
    files[`deploy/bulk/cm-${String(i).padStart(3, '0')}.yaml`] = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings-${i}\ndata:\n${lines}\n`;
  }
  return files;
}

let sys: System;
before(async () => {
  sys = await startSystem({ files: configMaps('v1'), namespaces: ['bulk'] });
});
after(async () => {
  await sys?.close();
});

test('a 300-resource PR plan stays under GitHub limits with valid markdown', async () => {
  const { gh, owner, repo } = sys;
  const main = gh.state.repo(owner, repo)!;
  const first = await gh.commit(owner, repo, { branch: main.defaultBranch, files: { 'README.md': 'bulk\n' } });
  await sys.deliver('push', undefined, { push: { before: '0'.repeat(40), after: first } });
  const [synced] = await sys.completed(first, 1, 120_000);
  assert.equal(synced.conclusion, 'success', synced.output.summary ?? '');
  assert.equal(sys.kube.listObjects('v1', 'ConfigMap', 'bulk').filter((c) => c.metadata.name?.startsWith('settings-')).length, N);

  const changed = configMaps('v2');
  delete changed['.github/driftguard.yml'];
  await gh.commit(owner, repo, { branch: 'bulk-v2', files: changed, message: 'bulk: v2 settings' });
  const pr = await gh.addPullRequest({ owner, repo, head: 'bulk-v2', title: 'bulk v2' });
  await gh.state.freeze(pr);
  await sys.deliver('pull_request', 'opened', { pullNumber: pr.number });
  const [run] = await sys.completed(pr.headSha!, 1, 120_000);
  await sys.drained(120_000);

  // Check run: full text within 65,535 characters, counts right, what did not fit named.
  assert.equal(run.conclusion, 'success');
  assert.match(run.output.title ?? '', new RegExp(`0 to create, ${N} to update, 0 to delete`));
  assert.ok((run.output.text ?? '').length <= 65_535);
  assertBalanced(run.output.text ?? '');

  // Comment: one, under 65,536, whole resources only, with a truncation line.
  const comments = gh.comments(owner, repo, pr.number).filter((c) => c.body.startsWith(MARKER));
  assert.equal(comments.length, 1);
  const body = comments[0].body;
  assert.ok(body.length <= 65_536, `comment is ${body.length} characters`);
  const shown = (body.match(/^\*\*update\*\* ConfigMap/gm) ?? []).length;
  assert.ok(shown > 10 && shown < N, `${shown} resources shown`);
  assert.match(body, new RegExp(`truncated: ${shown} of ${N} resources shown`));
  assertBalanced(body);
  // Every shown diff block is complete: it ends with the last changed key of its ConfigMap.
  assert.equal((body.match(/\+  key-11: value 11 of settings-\d+ v2 ✓/g) ?? []).length, shown);
  // No rejected request on the way (the emulator validates sizes and shapes as GitHub does).
  assert.deepEqual(gh.requests().filter((r) => r.status >= 400).map((r) => `${r.method} ${r.path} ${r.status}`), []);
});

function assertBalanced(md: string): void {
  const fences = md.split('\n').filter((l) => /^`{3,}/.test(l));
  assert.equal(fences.length % 2, 0, 'code fences are balanced');
  assert.equal((md.match(/<details>/g) ?? []).length, (md.match(/<\/details>/g) ?? []).length, '<details> balanced');
  assert.ok(!/[\uD800-\uDBFF]$/.test(md) && !/^[\uDC00-\uDFFF]/.test(md), 'no split surrogate pair');
}
