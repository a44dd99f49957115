// The checkout is faithful or refused: archives built entry by entry (as a hostile or broken archive
// could be) must either extract exactly or fail at the entry's path — never drop an entry silently.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Header } from 'tar';
import { DriftguardError } from '../../src/core/errors.ts';
import { extractTarball, linkTargetInRepo, type ExtractLimits } from '../../src/github/tarball.ts';

interface Entry { path: string; type?: string; body?: string; linkpath?: string }

/** A plain (ustar) archive; GitHub's is gzipped, node-tar takes both. */
function tarOf(entries: Entry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const body = Buffer.from(e.body ?? '');
    const h = new Header({ path: e.path, type: (e.type ?? 'File') as never, size: body.length, mode: 0o644, mtime: new Date(0), linkpath: e.linkpath });
    const block = Buffer.alloc(512);
    h.encode(block);
    blocks.push(block, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

async function extract(entries: Entry[], limits?: ExtractLimits) {
  const dir = mkdtempSync(join(tmpdir(), 'driftguard-tar-test-'));
  try {
    const r = await extractTarball(tarOf([{ path: 'acme-gitops-abc1234/', type: 'Directory' }, ...entries]), dir, limits);
    return { r, dir };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

async function refusedAt(entries: Entry[], path: string, message: RegExp, limits?: ExtractLimits) {
  await assert.rejects(extract(entries, limits), (e: unknown) => {
    assert.ok(e instanceof DriftguardError, String(e));
    assert.equal(e.code, 'CHECKOUT_REFUSED');
    assert.deepEqual(e.location, { file: path, line: 1 });
    assert.match(e.message, message);
    return true;
  });
}

test('in-repo symlinks (file and directory) are kept as links and resolve as on a clone', async () => {
  const { r, dir } = await extract([
    { path: 'acme-gitops-abc1234/shared/', type: 'Directory' },
    { path: 'acme-gitops-abc1234/shared/svc.yaml', body: 'kind: Service\n' },
    { path: 'acme-gitops-abc1234/deploy/', type: 'Directory' },
    { path: 'acme-gitops-abc1234/deploy/web/', type: 'Directory' },
    { path: 'acme-gitops-abc1234/deploy/web/svc.yaml', type: 'SymbolicLink', linkpath: '../../shared/svc.yaml' },
    { path: 'acme-gitops-abc1234/deploy/shared', type: 'SymbolicLink', linkpath: '../shared' },
    { path: 'acme-gitops-abc1234/deploy/dangling.yaml', type: 'SymbolicLink', linkpath: 'nope.yaml' },
    // Through another link, as git allows.
    { path: 'acme-gitops-abc1234/deploy/api.yaml', type: 'SymbolicLink', linkpath: 'shared/svc.yaml' },
  ]);
  try {
    assert.deepEqual(r, { files: 1, symlinks: ['deploy/web/svc.yaml', 'deploy/shared', 'deploy/dangling.yaml', 'deploy/api.yaml'], bytes: 14, complete: true });
    assert.equal(readFileSync(join(dir, 'deploy/api.yaml'), 'utf8'), 'kind: Service\n');
    assert.ok(lstatSync(join(dir, 'deploy/web/svc.yaml')).isSymbolicLink());
    assert.equal(readlinkSync(join(dir, 'deploy/web/svc.yaml')), '../../shared/svc.yaml');
    assert.equal(readFileSync(join(dir, 'deploy/web/svc.yaml'), 'utf8'), 'kind: Service\n');
    assert.equal(readFileSync(join(dir, 'deploy/shared/svc.yaml'), 'utf8'), 'kind: Service\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('links leaving the repository are refused at the link path', async () => {
  const cases: Array<[string, string]> = [
    ['/etc/passwd', 'absolute'],
    ['../../../etc/passwd', 'climbs out'],
    ['../../..', 'the parent of the root'],
  ];
  for (const [target] of cases) {
    await refusedAt([{ path: 'acme-gitops-abc1234/deploy/web/x.yaml', type: 'SymbolicLink', linkpath: target }], 'deploy/web/x.yaml', /symlink to .* leaves the repository/);
  }
  // Through another link: lexically inside (`a/up/a/up/..` is `a/up/a`), physically the root's parent.
  await refusedAt(
    [
      { path: 'acme-gitops-abc1234/a/', type: 'Directory' },
      { path: 'acme-gitops-abc1234/a/up', type: 'SymbolicLink', linkpath: '..' },
      { path: 'acme-gitops-abc1234/b', type: 'SymbolicLink', linkpath: 'a/up/a/up/..' },
    ],
    'b',
    /symlink resolves outside the repository/,
  );
});

test('entries git never produces are errors at their path, not skipped', async () => {
  await refusedAt([{ path: 'acme-gitops-abc1234/deploy.yaml', body: 'x' }, { path: 'acme-gitops-abc1234/hard.yaml', type: 'Link', linkpath: 'acme-gitops-abc1234/deploy.yaml' }], 'hard.yaml', /hard link/);
  await refusedAt([{ path: 'acme-gitops-abc1234/pipe', type: 'FIFO' }], 'pipe', /FIFO entry .* not supported/);
  await refusedAt([{ path: 'acme-gitops-abc1234/dev', type: 'CharacterDevice' }], 'dev', /CharacterDevice entry .* not supported/);
  await refusedAt([{ path: 'acme-gitops-abc1234/../../evil.yaml', body: 'x' }], '../../evil.yaml', /escapes the checkout/);
  await refusedAt([{ path: 'stray.yaml', body: 'x' }], 'stray.yaml', /outside the repository's top directory/);
  // A file written under a path an archive also declares a link: not what git makes, never merged.
  await refusedAt([{ path: 'acme-gitops-abc1234/d', type: 'SymbolicLink', linkpath: 'e' }, { path: 'acme-gitops-abc1234/d/f.yaml', body: 'x' }], 'd', /symlink cannot be written: EEXIST/);
});

test('oversize: more bytes or entries than the bounds is an error, not a partial tree', async () => {
  const files = [1, 2, 3].map((i) => ({ path: `acme-gitops-abc1234/f${i}.yaml`, body: 'x'.repeat(100) }));
  await refusedAt(files, 'f3.yaml', /more than 250 bytes/, { maxBytes: 250 });
  await refusedAt(files, 'f3.yaml', /more than 2 entries/, { maxEntries: 2 });
  const { r, dir } = await extract(files, { maxBytes: 300, maxEntries: 3 });
  rmSync(dir, { recursive: true, force: true });
  assert.equal(r.files, 3);
});

test('linkTargetInRepo: lexical resolution of a link target', () => {
  const cases: Array<[string, string, string | undefined]> = [
    ['deploy/web/svc.yaml', '../../shared/svc.yaml', 'shared/svc.yaml'],
    ['deploy/web/svc.yaml', 'other.yaml', 'deploy/web/other.yaml'],
    ['svc.yaml', '../svc.yaml', undefined],
    ['a/b', '/abs', undefined],
    ['a/b', 'C:\\Windows', undefined],
  ];
  for (const [link, target, want] of cases) assert.equal(linkTargetInRepo(link, target), want, `${link} -> ${target}`);
});
