// Bundled connectors re-pointed at fake partners, signed GitHub deliveries, and route helpers.
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, repoRoot } from '../support/runtime.js';
import type { Call } from '../support/api.js';
import type { FakePartner } from '../support/fake-partner.js';
import { makeConnector } from '../support/factories.js';
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

/** A partner list endpoint with cursor pagination: `after` is inclusive, like many "since" APIs. */
export function feedConnector(url: string): Definition {
  return {
    id: 'feed',
    version: '1.0.0',
    name: 'Feed',
    description: 'Test connector whose items are polled with cursor pagination.',
    categories: ['test'],
    publisher: 'Plugboard tests',
    base: { url, allowedHosts: ['127.0.0.1'] },
    auth: { type: 'bearer' },
    limits: { retry: { maxAttempts: 1 } },
    schemas: {
      Item: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'title'],
        properties: { id: { type: 'integer' }, title: { type: 'string' } },
        examples: [{ id: 1, title: 'first' }],
      },
    },
    actions: {
      ping: {
        title: 'Ping',
        description: 'Checks the API answers.',
        urgency: 'realtime',
        input: { type: 'object' },
        output: { type: 'object', additionalProperties: true },
        flow: {
          nodes: [
            { id: 'call', type: 'http', method: 'GET', path: '/ping' },
            { id: 'done', type: 'output', value: 'steps.call.body' },
          ],
          edges: [{ from: 'call', to: 'done' }],
        },
      },
    },
    triggers: {
      items: {
        kind: 'poll',
        title: 'New items',
        event: { $ref: '#/schemas/Item' },
        poll: { intervalMs: 1000, cursor: { initial: 0, from: 'cursor' } },
        flow: {
          nodes: [
            {
              id: 'list',
              type: 'http',
              method: 'GET',
              path: '/items',
              // The engine sends limitParam only for offset and page pagination.
              query: { after: '{{ input.cursor }}', limit: '2' },
              pagination: {
                kind: 'cursor',
                items: 'body.items',
                cursor: { param: 'after', from: 'body.next' },
              },
            },
            {
              id: 'done',
              type: 'output',
              value:
                "{ 'records': steps.list.items, 'cursor': $count(steps.list.items) > 0 ? $max(steps.list.items.id) : input.cursor }",
            },
          ],
          edges: [{ from: 'list', to: 'done' }],
        },
      },
    },
  };
}

/** A partner that fails about a third of the calls, so retries land out of their first order. */
export function failRandomly(partner: FakePartner, applied: string[], rate = 0.35): void {
  partner.script((request) => {
    if (request.path !== '/messages') return undefined;
    if (Math.random() < rate) return { status: 503, body: { error: 'try again' } };
    // Replays of an applied idempotency key are answered from the partner's cache, not here.
    applied.push((request.body as { text: string }).text);
    return { status: 200, body: { ok: true } };
  });
}

/** The acme connector's signed `issue` webhook (X-Signature, X-Delivery) of the test factories. */
export function deliverAcme(
  call: Call,
  installationId: string,
  secret: string,
  payload: unknown,
  delivery: string,
) {
  const body = JSON.stringify(payload);
  return call('post', `/hooks/${installationId}/issue`, '')
    .set('content-type', 'application/json')
    .set('x-delivery', delivery)
    .set('x-signature', `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`)
    .send(body);
}

/** acme's issue webhook into its own send action, ordered by the record's `key`. */
export function orderedRoute(installationId: string) {
  return {
    name: 'ordered',
    source: { installationId, trigger: 'issue' },
    target: { installationId, action: 'send' },
    mapping: "{ 'text': key & ':' & $string(seq), 'n': seq }",
    ordering: { key: 'key' },
    sample: { key: 'alpha', seq: 0 },
  };
}

/** Sends `perKey` events for each key, interleaved, then waits until the partner applied them all. */
export async function sendInterleaved(
  send: (payload: { key: string; seq: number }, delivery: string) => Promise<unknown>,
  keys: string[],
  perKey: number,
  applied: string[],
): Promise<void> {
  for (let seq = 0; seq < perKey; seq++)
    for (const key of keys) await send({ key, seq }, `${key}-${seq}`);
  await eventually(
    async () => (applied.length >= keys.length * perKey ? true : undefined),
    90_000,
    200,
  );
  await new Promise((r) => setTimeout(r, 1000));
}

/** The sequence numbers each key reached the partner in. */
export function orderPerKey(applied: string[], keys: string[]): Record<string, number[]> {
  return Object.fromEntries(
    keys.map((key) => [
      key,
      applied.filter((text) => text.startsWith(`${key}:`)).map((x) => Number(x.split(':')[1])),
    ]),
  );
}

/**
 * The acme test connector with no retries inside a run: every partner failure goes back to the
 * dispatcher's redelivery (where events could overtake each other), and the installation's retry
 * budget never fails events fast.
 */
export function targetWithoutInRunRetries(partnerUrl: string): Definition {
  return makeConnector(partnerUrl, { limits: { retry: { maxAttempts: 1 } } });
}
