// The tarball endpoint: a redirect to codeload like GitHub, then a real gzip'd tar of the commit with
// GitHub's `<owner>-<repo>-<sha7>/` top folder.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { OWNER, REPO, BASE_FILES, installationToken, startFixture, type Fixture } from './setup.ts';

/** Minimal ustar reader: regular files and their contents (pax headers skipped). */
function untar(buf: Buffer): Map<string, string> {
  const files = new Map<string, string>();
  for (let off = 0; off + 512 <= buf.length; ) {
    const header = buf.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, len: number) => header.subarray(start, start + len).toString('utf8').replace(/\0.*$/s, '');
    const name = field(0, 100);
    const prefix = field(345, 155);
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1) || '0';
    const body = buf.subarray(off + 512, off + 512 + size);
    if (type === '0') files.set(prefix ? `${prefix}/${name}` : name, body.toString('utf8'));
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

describe('GitHub emulator: tarball', () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture();
  });
  after(() => f.close());

  it('redirects to a codeload URL on the same server', async () => {
    const token = await installationToken(f);
    const res = await fetch(`${f.em.apiUrl}/repos/${OWNER}/${REPO}/tarball/scale-web`, { headers: { authorization: `token ${token}` }, redirect: 'manual' });
    assert.equal(res.status, 302);
    const location = new URL(res.headers.get('location')!);
    assert.equal(location.origin, f.em.url);
    assert.match(location.pathname, new RegExp(`^/_codeload/${OWNER}/${REPO}/legacy\\.tar\\.gz/${f.git.shas[1]}$`));
    const unauth = await fetch(`${f.em.url}${location.pathname}`);
    assert.equal(unauth.status, 404, 'codeload needs the short-lived token from the redirect');
  });

  it('is a real gzip tar of the ref, under <owner>-<repo>-<sha7>/', async () => {
    const cases = [
      { ref: 'main', sha: f.git.shas[0], has: 'deploy/web/service.yaml', hasNot: 'deploy/web/configmap.yaml' },
      { ref: 'scale-web', sha: f.git.shas[1], has: 'deploy/web/configmap.yaml', hasNot: 'deploy/web/service.yaml' },
      { ref: f.git.shas[0], sha: f.git.shas[0], has: 'README.md', hasNot: 'deploy/web/configmap.yaml' },
    ];
    for (const c of cases) {
      const res = await f.octokit.repos.downloadTarballArchive({ owner: OWNER, repo: REPO, ref: c.ref });
      const gz = Buffer.from(res.data as ArrayBuffer);
      assert.deepEqual([...gz.subarray(0, 2)], [0x1f, 0x8b], 'gzip magic');
      const files = untar(gunzipSync(gz));
      const top = `${OWNER}-${REPO}-${c.sha.slice(0, 7)}/`;
      assert.ok([...files.keys()].every((k) => k.startsWith(top)), `${c.ref}: all under ${top}: ${[...files.keys()]}`);
      assert.ok(files.has(top + c.has), `${c.ref} has ${c.has}`);
      assert.ok(!files.has(top + c.hasNot), `${c.ref} lacks ${c.hasNot}`);
      assert.equal(files.get(top + 'README.md'), BASE_FILES['README.md']);
    }
  });

  it('answers 404 for a ref that does not exist', async () => {
    await assert.rejects(f.octokit.repos.downloadTarballArchive({ owner: OWNER, repo: REPO, ref: 'nope' }), (e: { status: number }) => e.status === 404);
  });
});
