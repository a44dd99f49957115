// Test helper: real payloads from @octokit/webhooks-examples, signed like GitHub (X-Hub-Signature-256).
import { createHmac, randomUUID, generateKeyPairSync } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const examples = require('@octokit/webhooks-examples/api.github.com/index.json') as Array<{ name: string; examples: Array<Record<string, any>> }>;

/** A deep copy of the first example of `event` with `action` (and, for push, a branch ref), plus overrides. */
export function examplePayload(event: string, action: string | undefined, overrides: Record<string, any> = {}): Record<string, any> {
  const group = examples.find((e) => e.name === event);
  const found = group?.examples.find((x) => x.action === action && (event !== 'push' || String(x.ref).startsWith('refs/heads/')));
  if (!found) throw new Error(`no example for ${event}.${action}`);
  const copy = structuredClone(found);
  copy.installation ??= { id: 4242, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI0Mg==' };
  return { ...copy, ...overrides };
}

export async function postWebhook(url: string, o: { event: string; payload: unknown; secret: string; deliveryId?: string; signature?: string }): Promise<Response> {
  const body = JSON.stringify(o.payload);
  const signature = o.signature ?? `sha256=${createHmac('sha256', o.secret).update(body).digest('hex')}`;
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': o.event,
      'x-github-delivery': o.deliveryId ?? randomUUID(),
      'x-hub-signature-256': signature,
      'user-agent': 'GitHub-Hookshot/test',
    },
    body,
  });
}

export function testPrivateKey(): string {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
}
