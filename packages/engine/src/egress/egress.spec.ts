import type { CallContext, CallOutcome, EgressPolicy } from '@plugboard/policies';
import { PolicyError } from '@plugboard/policies';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectorDefinition } from '../definition.js';
import { createEngine } from '../engine.js';
import { line, makeConnector, withAction } from '../testing/factories.js';
import { useFakePartner } from '../testing/fake-partner.js';
import { verifyWebhook } from '../webhooks/verify.js';
import { privateReason } from './address.js';
import type { Resolver } from './resolver.js';

const partner = useFakePartner(() => ({ body: { ok: true } }));

function codeCall(definition: ConnectorDefinition, call: string): ConnectorDefinition {
  return withAction(
    definition,
    'call',
    line({ id: 'code', type: 'code', source: `return await ctx.http(${call});` }),
  );
}

describe('address checks', () => {
  it.each([
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['10.0.0.1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['224.0.0.251', 'multicast'],
    ['::1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fd00:ec2::254', 'unique-local (private)'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'link-local (cloud metadata)'],
    ['64:ff9b::10.0.0.1', 'private'],
  ])('refuses %s (%s)', (address, reason) => {
    expect(privateReason(address)).toBe(reason);
  });

  it.each(['93.184.215.14', '1.1.1.1', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'allows public %s',
    (address) => {
      expect(privateReason(address)).toBeNull();
    },
  );
});

describe('hostile egress (private egress off)', () => {
  const fakeDns: Resolver = (hostname) =>
    Promise.resolve(
      hostname === 'api.innocent-partner.com'
        ? [{ address: '10.0.0.1', family: 4 }]
        : hostname === 'api.split-partner.com'
          ? [
              { address: '93.184.215.14', family: 4 },
              { address: '127.0.0.1', family: 4 },
            ]
          : [{ address: '93.184.215.14', family: 4 }],
    );
  const engine = createEngine({
    egress: { allowPrivate: false, resolver: fakeDns, timeoutMs: 2000 },
  });
  afterAll(() => engine.dispose());

  // The connector lists the address itself as its host, so only the address check can refuse it.
  const reach = (host: string) =>
    codeCall(
      makeConnector({ base: { url: `http://${host}`, allowedHosts: [host] } }),
      `{ path: '/latest/meta-data/' }`,
    );
  const healthy = withAction(
    makeConnector(),
    'ok',
    line({ id: 't', type: 'transform', expression: '"still serving"' }),
  );

  async function expectRefused(definition: ConnectorDefinition, code: string, text: string) {
    const result = await engine.runAction(definition, 'call', { input: {} });
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe(code);
    expect(result.error?.message).toContain(text);
    expect(result.calls.every((c) => c.status === undefined)).toBe(true);
    const next = await engine.runAction(healthy, 'ok', {});
    expect(next.output).toBe('still serving');
  }

  it('ctx.http to the metadata address 169.254.169.254', () =>
    expectRefused(reach('169.254.169.254'), 'EGRESS_DENIED', 'link-local'));
  it('ctx.http to 10.0.0.1', () => expectRefused(reach('10.0.0.1'), 'EGRESS_DENIED', 'private'));
  it('ctx.http to 127.0.0.1 (the fake partner itself is never reached)', async () => {
    await expectRefused(
      codeCall(makeConnector({ base: { url: partner.url } }), `{ path: '/secret' }`),
      'EGRESS_DENIED',
      'loopback',
    );
    expect(partner.requests).toHaveLength(0);
  });
  it('ctx.http to [::ffff:127.0.0.1] (IPv4-mapped IPv6)', () =>
    expectRefused(reach('[::ffff:127.0.0.1]'), 'EGRESS_DENIED', 'loopback'));
  it('a public-looking name that resolves to a private address', () =>
    expectRefused(reach('api.innocent-partner.com'), 'EGRESS_DENIED', '10.0.0.1'));
  it('a name with one public and one private address (every address is checked)', () =>
    expectRefused(reach('api.split-partner.com'), 'EGRESS_DENIED', '127.0.0.1'));
  it('a host outside the connector hosts, by absolute url', () =>
    expectRefused(
      codeCall(
        makeConnector({ base: { url: 'https://api.partner.com' } }),
        `{ url: 'https://evil.example.org/steal' }`,
      ),
      'EGRESS_DENIED',
      'not one of the connector',
    ));
  it('a templated subdomain cannot leave the domain through config', async () => {
    const def = withAction(
      makeConnector({ base: { url: 'https://{{ config.subdomain }}.partner.com' } }),
      'call',
      line({ id: 'get', type: 'http', method: 'GET', path: '/x' }),
    );
    const result = await engine.runAction(def, 'call', {
      input: {},
      config: { subdomain: 'evil.org#' },
    });
    expect(result.error?.code).toBe('EGRESS_DENIED');
  });
  it('a JSONata expression with runaway recursion gives a sandbox code, not a host crash', async () => {
    const def = withAction(
      makeConnector(),
      'call',
      line({
        id: 't',
        type: 'transform',
        expression: '($f := function($n) { $n + $f($n + 1) }; $f(0))',
      }),
    );
    const result = await engine.runAction(def, 'call', { input: {} });
    expect(result.status).toBe('failed');
    expect(result.error?.code).toMatch(/^SANDBOX_(ERROR|TIMEOUT|MEMORY)$/);
    const next = await engine.runAction(healthy, 'ok', {});
    expect(next.output).toBe('still serving');
  });
});

describe('egress with private addresses allowed (development)', () => {
  let policyLog: Array<{ ctx: CallContext; outcome: CallOutcome }> = [];
  const retryTwice: EgressPolicy = {
    acquire: () => Promise.resolve({ release: () => Promise.resolve() }),
    retryDelay: (ctx, outcome) => {
      policyLog.push({ ctx, outcome });
      return Promise.resolve(outcome.class === 'transient' && ctx.attempt < 3 ? 0 : null);
    },
  };
  const engine = createEngine({
    egress: {
      allowPrivate: true,
      timeoutMs: 300,
      maxResponseBytes: 1024,
      // partner.test exists nowhere: reaching the fake partner proves the vetted address is the one used.
      resolver: (hostname) =>
        Promise.resolve(hostname === 'partner.test' ? [{ address: '127.0.0.1', family: 4 }] : []),
    },
    policy: retryTwice,
  });
  afterAll(() => engine.dispose());
  beforeEach(() => {
    policyLog = [];
  });

  const post = (extra: Record<string, unknown> = {}) =>
    withAction(
      makeConnector({ base: { url: partner.url } }),
      'create',
      line({
        id: 'create',
        type: 'http',
        method: 'POST',
        path: '/contacts',
        body: 'input',
        ...extra,
      }),
    );

  it('connects to the address it resolved and checked', async () => {
    const def = withAction(
      makeConnector({ base: { url: `http://partner.test:${partner.port}` } }),
      'get',
      line({ id: 'get', type: 'http', method: 'GET', path: '/ping' }),
    );
    const result = await engine.runAction(def, 'get', { input: {} });
    expect(result.status).toBe('succeeded');
    expect(partner.requests[0]?.headers.host).toBe(`partner.test:${partner.port}`);
  });

  it('forwards X-Correlation-Id and a child traceparent of the caller', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await engine.runAction(post(), 'create', {
      input: { a: 1 },
      meta: { correlationId: 'corr-42', traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    const headers = partner.requests[0]?.headers ?? {};
    expect(headers['x-correlation-id']).toBe('corr-42');
    expect(headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(headers.traceparent).not.toContain('00f067aa0ba902b7');
  });

  it('retries transient answers while the policy allows, with the same Idempotency-Key', async () => {
    partner.handle((_req, i) =>
      i < 2 ? { status: 503, body: { error: 'busy' } } : { status: 201, body: { id: 'c1' } },
    );
    const result = await engine.runAction(post(), 'create', {
      input: { a: 1 },
      meta: { idempotencyKey: 'evt-1' },
    });
    expect(result.status).toBe('succeeded');
    expect(partner.requests).toHaveLength(3);
    const keys = partner.requests.map((r) => r.headers['idempotency-key']);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(result.calls.map((c) => [c.attempt, c.status, c.outcome])).toEqual([
      [1, 503, 'transient'],
      [2, 503, 'transient'],
      [3, 201, 'success'],
    ]);
    // The same work run again (a redelivery) sends the same key; other work another one.
    await engine.runAction(post(), 'create', {
      input: { a: 1 },
      meta: { idempotencyKey: 'evt-1' },
    });
    await engine.runAction(post(), 'create', {
      input: { a: 1 },
      meta: { idempotencyKey: 'evt-2' },
    });
    expect(partner.requests[3]?.headers['idempotency-key']).toBe(keys[0]);
    expect(partner.requests[4]?.headers['idempotency-key']).not.toBe(keys[0]);
  });

  it('gives up with PARTNER_TRANSIENT when the policy stops retrying, passing Retry-After to it', async () => {
    partner.handle(() => ({
      status: 429,
      headers: { 'retry-after': '2' },
      body: { error: 'slow down' },
    }));
    const result = await engine.runAction(post(), 'create', { input: {} });
    expect(result.error).toMatchObject({ code: 'PARTNER_TRANSIENT', class: 'transient' });
    expect(partner.requests).toHaveLength(3);
    expect(policyLog[0]?.outcome).toMatchObject({
      class: 'transient',
      status: 429,
      retryAfterMs: 2000,
    });
  });

  it('never retries a permanent answer', async () => {
    partner.handle(() => ({ status: 400, body: { error: 'bad' } }));
    const result = await engine.runAction(post(), 'create', { input: {} });
    expect(result.error?.code).toBe('PARTNER_PERMANENT');
    expect(partner.requests).toHaveLength(1);
  });

  it('sends a different Idempotency-Key per item, stable across retries, only on writes', async () => {
    const def = withAction(
      makeConnector({ base: { url: partner.url } }),
      'each',
      {
        nodes: [
          { id: 'read', type: 'http', method: 'GET', path: '/r' },
          { id: 'loop', type: 'forEach', over: 'items', body: 'write' },
          {
            id: 'write',
            type: 'http',
            parent: 'loop',
            method: 'PUT',
            path: '/w/{{ index }}',
            body: 'item',
            idempotencyHeader: 'X-Request-Key',
          },
        ],
        edges: [{ from: 'read', to: 'loop' }],
      },
      { urgency: 'batched' },
    );
    partner.handle((req) =>
      req.method === 'PUT' &&
      req.path === '/w/0' &&
      partner.requests.filter((r) => r.path === '/w/0').length === 1
        ? { status: 500 }
        : { body: {} },
    );
    await engine.runAction(def, 'each', {
      items: [{ a: 1 }, { a: 2 }],
      meta: { batchId: 'b1', idempotencyKey: 'batch-b1' },
    });
    const get = partner.requests.find((r) => r.method === 'GET');
    expect(get?.headers['idempotency-key']).toBeUndefined();
    const item0 = partner.requests
      .filter((r) => r.path === '/w/0')
      .map((r) => r.headers['x-request-key']);
    const item1 = partner.requests
      .filter((r) => r.path === '/w/1')
      .map((r) => r.headers['x-request-key']);
    expect(item0).toHaveLength(2);
    expect(item0[0]).toBe(item0[1]);
    expect(item1[0]).toBeDefined();
    expect(item1[0]).not.toBe(item0[0]);
  });

  // A batched action that POSTs each item on its own.
  const batchedWrites = () =>
    withAction(
      makeConnector({ base: { url: partner.url } }),
      'each',
      {
        nodes: [
          { id: 'loop', type: 'forEach', over: 'items', body: 'write' },
          { id: 'write', type: 'http', parent: 'loop', method: 'POST', path: '/w', body: 'item' },
        ],
        edges: [],
      },
      { urgency: 'batched' },
    );

  it('uses the per-item keys of a replayed subset', async () => {
    const def = batchedWrites();
    await engine.runAction(def, 'each', {
      items: [1, 2, 3],
      meta: { itemKeys: ['k-a', 'k-b', 'k-c'] },
    });
    await engine.runAction(def, 'each', { items: [3], meta: { itemKeys: ['k-c'] } });
    const keys = partner.requests.map((r) => r.headers['idempotency-key']);
    expect(keys[3]).toBe(keys[2]);
    expect(new Set(keys.slice(0, 3)).size).toBe(3);
  });

  it("derives keys from the action's idempotencyKey expression, per item in batched runs", async () => {
    const realtime = post();
    const action = realtime.actions.create;
    if (!action) throw new Error('factory gave no action');
    const keyed = {
      ...realtime,
      actions: { create: { ...action, idempotencyKey: 'input.orderId' } },
    };
    await engine.runAction(keyed, 'create', { input: { orderId: 'o-1', note: 'first' } });
    await engine.runAction(keyed, 'create', { input: { orderId: 'o-1', note: 'retry' } });
    await engine.runAction(keyed, 'create', { input: { orderId: 'o-2' } });
    const keys = partner.requests.map((r) => r.headers['idempotency-key']);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);

    partner.requests.length = 0;
    const batched = batchedWrites();
    const eachAction = batched.actions.each;
    if (!eachAction) throw new Error('factory gave no action');
    const byId = { ...batched, actions: { each: { ...eachAction, idempotencyKey: 'input.id' } } };
    await engine.runAction(byId, 'each', { items: [{ id: 'a' }, { id: 'b' }] });
    await engine.runAction(byId, 'each', { items: [{ id: 'b' }] });
    const batchKeys = partner.requests.map((r) => r.headers['idempotency-key']);
    expect(batchKeys[2]).toBe(batchKeys[1]);
    expect(batchKeys[0]).not.toBe(batchKeys[1]);
  });

  it('times out a slow partner with PARTNER_TIMEOUT (transient, retried by the policy)', async () => {
    partner.handle(() => ({ delayMs: 1000, body: {} }));
    const result = await engine.runAction(post(), 'create', { input: {} });
    expect(result.error).toMatchObject({ code: 'PARTNER_TIMEOUT', class: 'transient' });
    expect(result.calls.map((c) => c.error?.code)).toEqual([
      'PARTNER_TIMEOUT',
      'PARTNER_TIMEOUT',
      'PARTNER_TIMEOUT',
    ]);
  });

  it('refuses a response larger than maxResponseBytes', async () => {
    partner.handle(() => ({ body: { blob: 'x'.repeat(5000) } }));
    const result = await engine.runAction(post(), 'create', { input: {} });
    expect(result.error?.code).toBe('PARTNER_PERMANENT');
    expect(result.error?.message).toContain('larger than 1024 bytes');
  });

  it('applies outcomes rules: body conditions and status classes, first match wins', async () => {
    const def = post({
      outcomes: [
        {
          status: 200,
          body: 'body.ok = false and body.error = "ratelimited"',
          outcome: 'transient',
          code: 'RATE_LIMITED',
        },
        {
          status: 200,
          body: 'body.ok = false',
          outcome: 'permanent',
          code: 'ACME_REFUSED',
          message: 'Acme said {{ response.body.error }} for {{ input.name }}',
        },
        { status: '4xx', outcome: 'success' },
      ],
    });
    partner.handle(() => ({ body: { ok: false, error: 'channel_gone' } }));
    const refused = await engine.runAction(def, 'create', { input: { name: 'Ada' } });
    expect(refused.error).toMatchObject({
      code: 'ACME_REFUSED',
      class: 'permanent',
      message: 'Acme said channel_gone for Ada',
    });
    partner.handle(() => ({ body: { ok: false, error: 'ratelimited' } }));
    const limited = await engine.runAction(def, 'create', { input: {} });
    expect(limited.error).toMatchObject({ code: 'RATE_LIMITED', class: 'transient' });
    expect(limited.calls).toHaveLength(3);
    partner.handle(() => ({ status: 404, body: { gone: true } }));
    const fine = await engine.runAction(def, 'create', { input: {} });
    expect(fine.status).toBe('succeeded');
  });

  it('treats limits.transientStatus as transient', async () => {
    partner.handle((_r, i) => (i === 0 ? { status: 409 } : { body: { ok: 1 } }));
    const def = { ...post(), limits: { transientStatus: [409] } };
    const result = await engine.runAction(def, 'create', { input: {} });
    expect(result.status).toBe('succeeded');
    expect(partner.requests).toHaveLength(2);
  });

  it('reports RATE_LIMITED when the policy refuses a permit', async () => {
    const limited = createEngine({
      egress: { allowPrivate: true },
      policy: {
        acquire: () =>
          Promise.reject(new PolicyError('RATE_LIMITED', 'installation rate spent', 1500)),
        retryDelay: () => Promise.resolve(null),
      },
    });
    try {
      const result = await limited.runAction(post(), 'create', { input: {} });
      expect(result.error).toMatchObject({
        code: 'RATE_LIMITED',
        class: 'transient',
        details: { retryAfterMs: 1500 },
      });
      expect(partner.requests).toHaveLength(0);
    } finally {
      await limited.dispose();
    }
  });

  it('signs outbound requests with Standard Webhooks; the secret never enters the sandbox', async () => {
    const secret = `whsec_${Buffer.from('a very secret signing key').toString('base64')}`;
    const def = {
      ...post({ signing: { scheme: 'standard-webhooks', secretField: 'signingSecret' } }),
      auth: { type: 'none' as const, fields: [{ name: 'signingSecret', title: 'Signing secret' }] },
    };
    await engine.runAction(def, 'create', {
      input: { event: 'x' },
      credentials: { signingSecret: secret },
    });
    const seen = partner.requests[0];
    expect(seen).toBeDefined();
    const verdict = verifyWebhook(
      { scheme: 'standard-webhooks' },
      seen?.headers ?? {},
      Buffer.from(seen?.body ?? ''),
      secret,
    );
    expect(verdict).toEqual({ ok: true });
  });
});
