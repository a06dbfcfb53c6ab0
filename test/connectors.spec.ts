// The bundled connector packages: each one validates, loads, passes its own contracts in the real
// sandbox, and its webhook signatures check out when made the way the partner documents them.
import { createHmac, randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorDefinition, LoadedPackage, WebhookVerify } from '@plugboard/definition';
import { compilePayloadSchema, loadPackage, validate } from '@plugboard/definition';
import type { Engine, Transport, TransportRequest } from '@plugboard/engine';
import { createEngine, runContracts, verifyWebhook } from '@plugboard/engine';
import type { CallOutcome } from '@plugboard/policies';
import { createEgressPolicy, MemoryBackend } from '@plugboard/policies';

const CONNECTORS = join(import.meta.dirname, '..', 'connectors');
const PACKAGES = readdirSync(CONNECTORS)
  .filter((name) => statSync(join(CONNECTORS, name, 'package.json'), { throwIfNoEntry: false }))
  .sort();

let engine: Engine;
const loaded = new Map<string, LoadedPackage>();

async function pkg(name: string): Promise<LoadedPackage> {
  let found = loaded.get(name);
  if (!found) {
    found = await loadPackage(join(CONNECTORS, name));
    loaded.set(name, found);
  }
  return found;
}

function trigger(definition: ConnectorDefinition, name: string): { verify: WebhookVerify } {
  const found = definition.triggers?.[name];
  if (!found || found.kind !== 'webhook' || !found.verify)
    throw new Error(`connector ${definition.id} has no verified webhook trigger "${name}"`);
  return { verify: found.verify };
}

/** The same bytes with one of them changed, at a position inside the JSON text. */
function oneByteChanged(body: Buffer): Buffer {
  const copy = Buffer.from(body);
  const at = Math.floor(copy.length / 2);
  copy[at] = copy[at] === 0x61 ? 0x62 : 0x61;
  return copy;
}

beforeAll(() => {
  engine = createEngine();
});

afterAll(async () => {
  await engine.dispose();
});

it('ships the six bundled packages', () => {
  expect(PACKAGES).toEqual(['github', 'hubspot', 'rest', 'slack', 'stripe', 'webhook']);
});

describe.each(PACKAGES)('connector package %s', (name) => {
  it('loads, with a description, a README and contracts', async () => {
    const loadedPkg = await pkg(name);
    expect(loadedPkg.packageJson.name).toBe(`@plugboard-connectors/${name}`);
    expect(String(loadedPkg.packageJson.description).length).toBeGreaterThan(40);
    expect(loadedPkg.readme).toMatch(/## Limits/);
    expect(loadedPkg.readme).toMatch(/## Known limits/);
    expect(loadedPkg.definition.id).toBe(name);
    expect(loadedPkg.contracts.length).toBeGreaterThanOrEqual(10);
  });

  it('names every action and trigger, its auth setup and its limits in the README', async () => {
    const { definition, readme } = await pkg(name);
    const names = [...Object.keys(definition.actions), ...Object.keys(definition.triggers ?? {})];
    expect(names.filter((n) => !readme?.includes(`\`${n}\``))).toEqual([]);
    expect(readme).toContain('## Auth setup');
  });

  it('validates with no errors', async () => {
    const { definition } = await pkg(name);
    expect(validate(definition).errors).toEqual([]);
  });

  it('passes every one of its contracts in the sandbox', async () => {
    const loadedPkg = await pkg(name);
    const results = await runContracts(loadedPkg, { engine });
    const failed = results
      .filter((r) => !r.passed)
      .map((r) => `${r.name}: ${r.error?.code ?? ''} ${r.error?.message ?? ''}\n${r.diff ?? ''}`);
    expect(failed).toEqual([]);
    expect(results).toHaveLength(loadedPkg.contracts.length);
  });

  it('gives its contracts only inputs the action accepts, and records its event schema accepts', async () => {
    const { definition, contracts } = await pkg(name);
    const problems: string[] = [];
    for (const contract of contracts) {
      if (contract.action !== undefined) {
        const check = compilePayloadSchema(definition, definition.actions[contract.action]?.input);
        const inputs = contract.items ?? [contract.input ?? {}];
        inputs.forEach((input, i) => {
          for (const issue of check(input))
            problems.push(`${contract.name} input ${i}: ${issue.pointer} ${issue.message}`);
        });
      } else if (contract.trigger !== undefined) {
        const found = definition.triggers?.[contract.trigger];
        const check = compilePayloadSchema(definition, found?.event);
        const records =
          (contract.expect.output as { records?: unknown[] } | undefined)?.records ?? [];
        records.forEach((record, i) => {
          for (const issue of check(record))
            problems.push(`${contract.name} record ${i}: ${issue.pointer} ${issue.message}`);
        });
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('contracts fail when the partner answers otherwise', () => {
  it('a Slack error name classified under another code fails the case', async () => {
    const { definition, contracts } = await pkg('slack');
    const original = contracts.find((c) => c.name.startsWith('postMessage: not_in_channel'));
    expect(original).toBeDefined();
    const altered = structuredClone(original!);
    altered.expect = { error: { code: 'SLACK_CHANNEL_NOT_FOUND' } };
    const [result] = await runContracts({ definition, contracts: [altered] }, { engine });
    expect(result?.passed).toBe(false);
    expect(result?.diff).toContain('SLACK_NOT_IN_CHANNEL');
  });
});

describe('GitHub issues webhook: X-Hub-Signature-256', () => {
  const secret = "It's a Secret to Everybody";
  const body = Buffer.from(
    JSON.stringify({ action: 'opened', issue: { number: 1347, title: 'Found a bug' } }),
  );
  // GitHub: HMAC-SHA256 of the raw payload keyed with the webhook secret, hex, prefixed "sha256=".
  const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

  it('accepts the signature GitHub computes, whatever the header case', async () => {
    const { verify } = trigger((await pkg('github')).definition, 'issues');
    expect(verifyWebhook(verify, { 'X-Hub-Signature-256': signature }, body, secret)).toEqual({
      ok: true,
    });
    expect(verifyWebhook(verify, { 'x-hub-signature-256': signature }, body, secret).ok).toBe(true);
  });

  it("GitHub's published test vector verifies", async () => {
    const { verify } = trigger((await pkg('github')).definition, 'issues');
    // From GitHub's "Validating webhook deliveries": secret and payload with their signature.
    const result = verifyWebhook(
      verify,
      {
        'x-hub-signature-256':
          'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
      },
      Buffer.from('Hello, World!'),
      secret,
    );
    expect(result).toEqual({ ok: true });
  });

  it('refuses a body with one changed byte, a wrong secret, and a missing header', async () => {
    const { verify } = trigger((await pkg('github')).definition, 'issues');
    const headers = { 'x-hub-signature-256': signature };
    expect(verifyWebhook(verify, headers, oneByteChanged(body), secret)).toMatchObject({
      ok: false,
      code: 'SIGNATURE_INVALID',
    });
    expect(verifyWebhook(verify, headers, body, `${secret}!`)).toMatchObject({
      ok: false,
      code: 'SIGNATURE_INVALID',
    });
    expect(verifyWebhook(verify, {}, body, secret)).toMatchObject({
      ok: false,
      code: 'SIGNATURE_MISSING',
    });
  });
});

describe('Stripe events webhook: Stripe-Signature', () => {
  const secret = `whsec_${randomBytes(24).toString('hex')}`;
  const body = Buffer.from(
    JSON.stringify({ id: 'evt_1', object: 'event', type: 'customer.created', data: {} }),
  );
  const now = new Date('2024-07-25T09:00:00Z');
  const t = Math.floor(now.getTime() / 1000);
  // Stripe: HMAC-SHA256 keyed with the endpoint secret (the whole whsec_ string) over "<t>.<body>".
  const sign = (timestamp: number, payload: Buffer, key = secret) =>
    createHmac('sha256', key).update(`${timestamp}.`).update(payload).digest('hex');

  it('accepts the signature Stripe computes, also among several v1 entries', async () => {
    const { verify } = trigger((await pkg('stripe')).definition, 'events');
    const header = `t=${t},v1=${sign(t, body)},v0=${'0'.repeat(64)}`;
    expect(verifyWebhook(verify, { 'Stripe-Signature': header }, body, secret, now)).toEqual({
      ok: true,
    });
    const rotated = `t=${t},v1=${sign(t, body, 'whsec_old')},v1=${sign(t, body)}`;
    expect(verifyWebhook(verify, { 'stripe-signature': rotated }, body, secret, now).ok).toBe(true);
  });

  it('refuses one changed byte, a timestamp outside 300 s, and a signature over another time', async () => {
    const { verify } = trigger((await pkg('stripe')).definition, 'events');
    const header = { 'stripe-signature': `t=${t},v1=${sign(t, body)}` };
    expect(verifyWebhook(verify, header, oneByteChanged(body), secret, now)).toMatchObject({
      ok: false,
      code: 'SIGNATURE_INVALID',
    });
    const late = new Date(now.getTime() + 301_000);
    expect(verifyWebhook(verify, header, body, secret, late)).toMatchObject({
      ok: false,
      code: 'SIGNATURE_EXPIRED',
    });
    const within = new Date(now.getTime() + 299_000);
    expect(verifyWebhook(verify, header, body, secret, within)).toEqual({ ok: true });
    const moved = { 'stripe-signature': `t=${t + 1},v1=${sign(t, body)}` };
    expect(verifyWebhook(verify, moved, body, secret, now)).toMatchObject({
      ok: false,
      code: 'SIGNATURE_INVALID',
    });
  });
});

describe('webhook connector: deliveries signed with Standard Webhooks', () => {
  const key = randomBytes(32);
  const secret = `whsec_${key.toString('base64')}`;

  class Receiver implements Transport {
    readonly requests: TransportRequest[] = [];
    send(request: TransportRequest) {
      this.requests.push(request);
      return Promise.resolve({
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: Buffer.from('{"ok":true}'),
      });
    }
  }

  async function deliver(input: Record<string, unknown>, idempotencyKey: string) {
    const { definition } = await pkg('webhook');
    const receiver = new Receiver();
    const config = { host: 'hooks.example.com', path: 'webhooks/plugboard' };
    const result = await engine.runAction(definition, 'deliver', {
      input,
      config,
      credentials: { signingSecret: secret },
      meta: { idempotencyKey },
      transport: receiver,
    });
    expect(result.error).toBeUndefined();
    expect(receiver.requests).toHaveLength(1);
    return receiver.requests[0]!;
  }

  it('sends webhook-id, webhook-timestamp and a v1 signature a receiver can check', async () => {
    const request = await deliver(
      { id: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W', type: 'invoice.paid', data: { amount: 2000 } },
      'run-key-1',
    );
    expect(request.url.href).toBe('https://hooks.example.com/webhooks/plugboard');
    const id = request.headers['webhook-id']!;
    const timestamp = request.headers['webhook-timestamp']!;
    expect(id).toBe('msg_2KWPBgLlAfxdpx2AI54pPJ85f4W');
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
    const body = request.body ?? Buffer.alloc(0);
    expect(JSON.parse(body.toString('utf8'))).toMatchObject({
      type: 'invoice.paid',
      data: { amount: 2000 },
    });
    // Standard Webhooks: base64 HMAC-SHA256, keyed with the base64-decoded secret after "whsec_",
    // over "<webhook-id>.<webhook-timestamp>.<body>", sent as "v1,<signature>".
    const expected = createHmac('sha256', key)
      .update(`${id}.${timestamp}.`)
      .update(body)
      .digest('base64');
    expect(request.headers['webhook-signature']).toBe(`v1,${expected}`);

    const verify: WebhookVerify = { scheme: 'standard-webhooks', secretField: 'signingSecret' };
    expect(verifyWebhook(verify, request.headers, body, secret)).toEqual({ ok: true });
    expect(verifyWebhook(verify, request.headers, oneByteChanged(body), secret)).toMatchObject({
      ok: false,
      code: 'SIGNATURE_INVALID',
    });
  });

  it('keeps the webhook-id of an event across deliveries, from the run key when no id is given', async () => {
    const first = await deliver({ type: 'customer.created', data: {} }, 'evt_7f3a9c');
    const again = await deliver({ type: 'customer.created', data: {} }, 'evt_7f3a9c');
    expect(first.headers['webhook-id']).toBe('evt_7f3a9c');
    expect(again.headers['webhook-id']).toBe('evt_7f3a9c');
  });
});

describe('rest connector: egress stays on the host the installation names', () => {
  it("refuses a next link that points at another host, and reaches the config's host", async () => {
    const { definition } = await pkg('rest');
    const seen: string[] = [];
    const partner: Transport = {
      send(request: TransportRequest) {
        seen.push(request.url.href);
        return Promise.resolve({
          status: 200,
          headers: {
            'content-type': 'application/json',
            link: '<https://elsewhere.example.net/v1/customers?page=2>; rel="next"',
          },
          body: Buffer.from('[{"id":1}]'),
        });
      },
    };
    const result = await engine.runAction(definition, 'list', {
      input: {},
      config: { host: 'api.example.com', basePath: 'v1/customers' },
      credentials: { apiKey: 'Bearer t' },
      transport: partner,
    });
    expect(seen).toEqual(['https://api.example.com/v1/customers']);
    expect(result.error?.code).toBe('EGRESS_DENIED');
  });
});

describe('Slack message events: X-Slack-Signature (slack-v0) and the url_verification challenge', () => {
  const secret = randomBytes(16).toString('hex');
  const body = Buffer.from(
    JSON.stringify({
      type: 'event_callback',
      team_id: 'T0001ABCD',
      event_id: 'Ev0PV52K21',
      event_time: 1764849600,
      event: {
        type: 'message',
        channel: 'C0123456789',
        user: 'U2147483697',
        text: 'Deploy finished',
        ts: '1764849600.000100',
        channel_type: 'channel',
      },
    }),
  );
  const now = new Date(1764849601 * 1000);
  const ts = String(Math.floor(now.getTime() / 1000));
  // Slack: "v0=" + hex HMAC-SHA256, keyed with the signing secret, of "v0:<timestamp>:<raw body>".
  const sign = (t: string, payload: Buffer, key = secret) =>
    `v0=${createHmac('sha256', key).update(`v0:${t}:`).update(payload).digest('hex')}`;

  it('accepts the signature Slack computes and turns the event into one record', async () => {
    const { definition } = await pkg('slack');
    const { verify } = trigger(definition, 'messages');
    const headers = { 'X-Slack-Request-Timestamp': ts, 'X-Slack-Signature': sign(ts, body) };
    expect(verifyWebhook(verify, headers, body, secret, now)).toEqual({ ok: true });
    const result = await engine.runTrigger(definition, 'messages', {
      input: { headers, query: {}, body: JSON.parse(body.toString('utf8')) as unknown },
    });
    expect(result.output).toMatchObject({
      records: [{ event_id: 'Ev0PV52K21', channel: 'C0123456789', text: 'Deploy finished' }],
    });
  });

  it("Slack's documented example verifies", async () => {
    const { verify } = trigger((await pkg('slack')).definition, 'messages');
    // From Slack's "Verifying requests from Slack": signing secret, timestamp, body, signature.
    const example = Buffer.from(
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
    );
    const headers = {
      'x-slack-request-timestamp': '1531420618',
      'x-slack-signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    };
    const at = new Date(1531420618 * 1000);
    expect(verifyWebhook(verify, headers, example, '8f742231b10e8888abcd99yyyzzz85a5', at)).toEqual(
      { ok: true },
    );
    expect(
      verifyWebhook(
        verify,
        headers,
        oneByteChanged(example),
        '8f742231b10e8888abcd99yyyzzz85a5',
        at,
      ),
    ).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
  });

  it('refuses one changed byte, a wrong secret, a timestamp outside 300 s and a missing header', async () => {
    const { verify } = trigger((await pkg('slack')).definition, 'messages');
    const headers = { 'x-slack-request-timestamp': ts, 'x-slack-signature': sign(ts, body) };
    expect(verifyWebhook(verify, headers, oneByteChanged(body), secret, now)).toMatchObject({
      ok: false,
      code: 'SIGNATURE_INVALID',
    });
    expect(verifyWebhook(verify, headers, body, `${secret}x`, now)).toMatchObject({
      code: 'SIGNATURE_INVALID',
    });
    const late = new Date(now.getTime() + 301_000);
    expect(verifyWebhook(verify, headers, body, secret, late)).toMatchObject({
      code: 'SIGNATURE_EXPIRED',
    });
    expect(
      verifyWebhook(verify, { 'x-slack-signature': sign(ts, body) }, body, secret, now),
    ).toMatchObject({ code: 'SIGNATURE_MISSING' });
  });

  it('answers url_verification with its challenge and nothing else', async () => {
    const { definition } = await pkg('slack');
    const challenge = {
      token: 'Jhj5dZrVaK7ZwHHjRyZWjbDl',
      challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
      type: 'url_verification',
    };
    await expect(
      engine.answerChallenge('slack', definition, 'messages', { headers: {}, body: challenge }),
    ).resolves.toEqual({ respond: { challenge: challenge.challenge } });
    await expect(
      engine.answerChallenge('slack', definition, 'messages', {
        headers: {},
        body: JSON.parse(body.toString('utf8')) as unknown,
      }),
    ).resolves.toBeNull();
  });
});

describe('GitHub rate limits: the policy hears when the quota resets', () => {
  it('passes x-ratelimit-reset of an exhausted quota as retryAfterMs, and 60 s for a bare secondary limit', async () => {
    const { definition } = await pkg('github');
    const outcomes: CallOutcome[] = [];
    const listening = createEngine({
      policy: {
        acquire: () => Promise.resolve({ release: () => Promise.resolve() }),
        retryDelay: (_ctx, outcome) => {
          outcomes.push(outcome);
          return Promise.resolve(null);
        },
      },
    });
    const reset = Math.floor(Date.now() / 1000) + 600;
    const answers: Array<{ status: number; headers: Record<string, string>; body: unknown }> = [
      {
        status: 403,
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
        body: { message: 'API rate limit exceeded for user ID 1.' },
      },
      {
        status: 403,
        headers: { 'x-ratelimit-remaining': '4000' },
        body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes.' },
      },
    ];
    try {
      for (const answer of answers) {
        const result = await listening.runAction(definition, 'listIssues', {
          input: { owner: 'octocat', repo: 'Hello-World' },
          credentials: { token: 'ghp_test' },
          transport: {
            send: () =>
              Promise.resolve({
                status: answer.status,
                headers: { 'content-type': 'application/json', ...answer.headers },
                body: Buffer.from(JSON.stringify(answer.body)),
              }),
          },
        });
        expect(result.error?.code).toBe('RATE_LIMITED');
      }
    } finally {
      await listening.dispose();
    }
    expect(outcomes[0]?.retryAfterMs).toBeGreaterThan(590_000);
    expect(outcomes[0]?.retryAfterMs).toBeLessThanOrEqual(600_000);
    expect(outcomes[1]?.retryAfterMs).toBe(60_000);
  });
});

describe("webhook connector: Svix's retry schedule through the egress policy", () => {
  it('waits 5 s (±10%) before the second attempt, re-queues for 5 min before the third, and stops after eight', async () => {
    const { definition } = await pkg('webhook');
    const policy = createEgressPolicy({ backend: new MemoryBackend() });
    const ctx = { connectorId: 'webhook', host: 'hooks.example.com', installationId: 'i-1' };
    const outcome = { class: 'transient' as const, status: 503 };
    const limits = definition.limits;
    const first = await policy.retryDelay({ ...ctx, limits, attempt: 1 }, outcome);
    expect(first).toBeGreaterThanOrEqual(4500);
    expect(first).toBeLessThanOrEqual(5500);
    const second = await policy
      .retryDelay({ ...ctx, limits, attempt: 2 }, outcome)
      .catch((error: unknown) => error);
    expect(second).toMatchObject({ code: 'RATE_LIMITED' });
    const waited = (second as { retryAfterMs: number }).retryAfterMs;
    expect(waited).toBeGreaterThanOrEqual(270_000);
    expect(waited).toBeLessThanOrEqual(330_000);
    expect(await policy.retryDelay({ ...ctx, limits, attempt: 8 }, outcome)).toBeNull();
  });
});
