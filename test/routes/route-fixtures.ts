// Bundled connectors re-pointed at fake partners, signed GitHub deliveries, and route helpers.
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, repoRoot } from '../support/runtime.js';
import type { Call } from '../support/api.js';
import type { Definition } from '../support/factories.js';

function loadConnector(name: string): { definition: Definition; contracts: unknown[] } {
  const dir = join(repoRoot, 'connectors', name);
  const definition = JSON.parse(readFileSync(join(dir, 'connector.json'), 'utf8')) as Definition;
  const contracts = readdirSync(join(dir, 'contracts'))
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => {
      const parsed = JSON.parse(readFileSync(join(dir, 'contracts', f), 'utf8')) as unknown;
      return Array.isArray(parsed) ? parsed : [parsed];
    });
  return { definition, contracts };
}

/**
 * The shipped connector with its base URL on the fake partner (keeping the base path, so its
 * contracts still match). Egress to 127.0.0.1 needs PLUGBOARD_EGRESS_ALLOW_PRIVATE=1, which the
 * test runtime sets.
 */
export function bundledAt(
  name: 'github' | 'slack',
  partnerUrl: string,
): { definition: Definition; contracts: unknown[] } {
  const { definition, contracts } = loadConnector(name);
  const base = definition.base as { url: string; allowedHosts?: string[] };
  const path = new URL(base.url).pathname.replace(/\/$/, '');
  definition.base = { ...base, url: `${partnerUrl}${path}`, allowedHosts: ['127.0.0.1'] };
  return { definition, contracts };
}

export const GITHUB_SECRET = 'gh-webhook-secret-for-routes';

/** GitHub's X-Hub-Signature-256: `sha256=` + HMAC-SHA256 hex of the raw body under the secret. */
export function githubSignature(body: string, secret = GITHUB_SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function issueEvent(action: string, number: number, title: string) {
  return {
    action,
    issue: {
      id: 1000 + number,
      node_id: `I_${number}`,
      number,
      html_url: `https://github.com/octocat/Hello-World/issues/${number}`,
      title,
      body: 'details',
      state: action === 'closed' ? 'closed' : 'open',
      state_reason: null,
      user: { login: 'octocat' },
      labels: [{ name: 'bug' }],
      assignees: [],
      milestone: null,
      comments: 0,
      locked: false,
      author_association: 'OWNER',
      created_at: '2026-12-01T10:00:00Z',
      updated_at: '2026-12-01T10:00:00Z',
      closed_at: null,
    },
    repository: { id: 1296269, full_name: 'octocat/Hello-World' },
    sender: { login: 'octocat' },
  };
}

/** Posts one signed GitHub delivery, the way GitHub's hookshot sends it. */
export function deliverGithub(
  call: Call,
  installationId: string,
  payload: unknown,
  delivery: string = randomUUID(),
  correlationId?: string,
) {
  const body = JSON.stringify(payload);
  const test = call('post', `/hooks/${installationId}/issues`, '')
    .set('content-type', 'application/json')
    .set('x-github-event', 'issues')
    .set('x-github-delivery', delivery)
    .set('x-hub-signature-256', githubSignature(body));
  if (correlationId) void test.set('x-correlation-id', correlationId);
  return test.send(body);
}

/** Waits until `count()` reaches `n`, then a little longer, so that an extra arrival shows up. */
export async function settleAt(count: () => number, n: number, quietMs = 1500): Promise<number> {
  await eventually(async () => (count() >= n ? true : undefined), 20_000);
  await new Promise((r) => setTimeout(r, quietMs));
  return count();
}
