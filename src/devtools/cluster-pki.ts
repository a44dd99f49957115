// A throwaway PKI for a test control plane, as envtest makes one: a CA, the API server's serving cert
// (127.0.0.1/localhost), a service-account signing key, and client certs (admin in system:masters).
// Keys come from node:crypto (P-256); certificates from the openssl CLI (node cannot sign X.509).
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DriftguardError } from '../core/errors.ts';

const run = promisify(execFile);

export interface KeyPair { key: string; cert: string; keyFile: string; certFile: string }

export interface ClusterPki {
  ca: KeyPair;
  serving: KeyPair;
  /** Service-account token signing key (private) and its public half. */
  serviceAccount: { keyFile: string; publicKeyFile: string };
  /** Client certificate in group system:masters, for kubeconfigs. */
  admin: KeyPair;
  /** Client certificate for kube-controller-manager (system:masters too: one credential for all controllers). */
  controllerManager: KeyPair;
}

function writeKey(dir: string, name: string): { key: string; keyFile: string; publicKeyFile: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const key = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const keyFile = join(dir, `${name}.key`);
  const publicKeyFile = join(dir, `${name}.pub`);
  writeFileSync(keyFile, key, { mode: 0o600 });
  writeFileSync(publicKeyFile, publicKey.export({ type: 'spki', format: 'pem' }) as string);
  return { key, keyFile, publicKeyFile };
}

async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args);
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') throw new DriftguardError('TOOL_MISSING', 'openssl not found (needed for the control plane certificates): apt-get install -y openssl');
    throw new DriftguardError('TOOL_FAILED', `openssl ${args[0]} failed: ${err.stderr ?? err.message}`, { cause: e });
  }
}

async function issue(dir: string, name: string, subject: string, ext: string[], ca?: KeyPair): Promise<KeyPair> {
  const { key, keyFile } = writeKey(dir, name);
  const certFile = join(dir, `${name}.crt`);
  const signer = ca ? ['-CA', ca.certFile, '-CAkey', ca.keyFile] : [];
  await openssl(['req', '-new', '-x509', '-key', keyFile, ...signer, '-subj', subject, '-days', '3650', ...ext.flatMap((e) => ['-addext', e]), '-out', certFile]);
  return { key, keyFile, cert: readFileSync(certFile, 'utf8'), certFile };
}

export async function createClusterPki(dir: string): Promise<ClusterPki> {
  const ca = await issue(dir, 'ca', '/CN=driftguard-test-ca', ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature']);
  const leaf = (usage: string) => ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', `extendedKeyUsage=${usage}`];
  const serving = await issue(dir, 'apiserver', '/CN=kube-apiserver', [...leaf('serverAuth'), 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default.svc'], ca);
  const admin = await issue(dir, 'admin', '/O=system:masters/CN=driftguard-admin', leaf('clientAuth'), ca);
  const controllerManager = await issue(dir, 'controller-manager', '/O=system:masters/CN=system:kube-controller-manager', leaf('clientAuth'), ca);
  const sa = writeKey(dir, 'service-account');
  return { ca, serving, admin, controllerManager, serviceAccount: { keyFile: sa.keyFile, publicKeyFile: sa.publicKeyFile } };
}

/** A kubeconfig with everything inline (no file references), one cluster/user/context. */
export function kubeconfigYaml(server: string, ca: KeyPair, user: KeyPair, context: string): string {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${context}`,
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${b64(ca.cert)}`,
    'users:',
    `- name: ${context}`,
    '  user:',
    `    client-certificate-data: ${b64(user.cert)}`,
    `    client-key-data: ${b64(user.key)}`,
    'contexts:',
    `- name: ${context}`,
    '  context:',
    `    cluster: ${context}`,
    `    user: ${context}`,
    `current-context: ${context}`,
    '',
  ].join('\n');
}
