// The definition extensions of issue 9 as the engine runs them against a fake partner: outcome
// `retryAfter`, endpoint rate keys, `queryFrom` / `headersFrom`, apiKey placement from config
// and webhook challenges.
import type { CallContext, CallOutcome, EgressPolicy } from '@plugboard/policies';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectorDefinition } from './definition.js';
import { createEngine } from './engine.js';
import { retryAfterValue } from './egress/classify.js';
import { line, makeConnector, withAction } from './testing/factories.js';
import { useFakePartner } from './testing/fake-partner.js';

const partner = useFakePartner(() => ({ body: { ok: true } }));

let seen: Array<{ ctx: CallContext; outcome?: CallOutcome }> = [];
const recording: EgressPolicy = {
  acquire: (ctx) => {
    seen.push({ ctx });
    return Promise.resolve({ release: () => Promise.resolve() });
  },
  retryDelay: (ctx, outcome) => {
    seen.push({ ctx, outcome });
    return Promise.resolve(outcome.class === 'transient' && ctx.attempt < 2 ? 0 : null);
  },
};
const engine = createEngine({ egress: { allowPrivate: true }, policy: recording });
afterAll(() => engine.dispose());
beforeEach(() => {
  seen = [];
});

const connector = (overrides: Partial<ConnectorDefinition> = {}) =>
  makeConnector({ base: { url: partner.url }, ...overrides });

describe('outcome retryAfter', () => {
  it('reads epoch seconds, milliseconds and dates', () => {
    const now = Date.UTC(2026, 11, 4, 12);
    expect(retryAfterValue(1500, now)).toBe(1500);
    expect(retryAfterValue(now / 1000 + 90, now)).toBe(90_000);
    expect(retryAfterValue(String(now / 1000 + 90), now)).toBe(90_000);
    expect(retryAfterValue(now + 2000, now)).toBe(2000);
    expect(retryAfterValue(new Date(now + 5000).toUTCString(), now)).toBe(5000);
    expect(retryAfterValue(null, now)).toBeUndefined();
    expect(retryAfterValue('soon', now)).toBeUndefined();
  });

  it("waits for GitHub's x-ratelimit-reset when x-ratelimit-remaining is 0", async () => {
    const reset = Math.floor(Date.now() / 1000) + 120;
    partner.handle(() => ({
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      body: { message: 'API rate limit exceeded' },
    }));
    const def = withAction(
      connector(),
      'list',
      line({
        id: 'list',
        type: 'http',
        method: 'GET',
        path: '/issues',
        outcomes: [
          {
            status: [403, 429],
            body: "headers.`x-ratelimit-remaining` = '0'",
            outcome: 'transient',
            code: 'RATE_LIMITED',
            retryAfter: '$number(headers.`x-ratelimit-reset`)',
          },
        ],
      }),
    );
    const result = await engine.runAction(def, 'list', { input: {} });
    expect(result.error).toMatchObject({ code: 'RATE_LIMITED', class: 'transient' });
    const hint = seen.find((s) => s.outcome)?.outcome?.retryAfterMs ?? 0;
    expect(hint).toBeGreaterThan(110_000);
    expect(hint).toBeLessThanOrEqual(120_000);
    expect((result.error?.details as { retryAfterMs?: number }).retryAfterMs).toBeGreaterThan(
      110_000,
    );
    // A plain 403 (no exhausted quota) stays permanent and is not retried.
    partner.handle(() => ({ status: 403, body: { message: 'Resource not accessible' } }));
    const denied = await engine.runAction(def, 'list', { input: {} });
    expect(denied.error?.code).toBe('PARTNER_PERMANENT');
  });
});

describe('http requests', () => {
  it('passes the rendered rate key of the endpoint to the policy', async () => {
    const def = withAction(
      connector({
        limits: {
          endpoints: {
            'chat.postMessage': { rate: { requests: 1, perMs: 1000, key: '{{ input.channel }}' } },
          },
        },
      }),
      'post',
      line({
        id: 'post',
        type: 'http',
        method: 'POST',
        path: '/chat.postMessage',
        endpoint: 'chat.postMessage',
        body: 'input',
      }),
    );
    await engine.runAction(def, 'post', { input: { channel: 'C1', text: 'hi' } });
    expect(seen[0]?.ctx).toMatchObject({ endpoint: 'chat.postMessage', rateKey: 'C1' });
  });

  it('merges queryFrom and headersFrom under the literal query and headers', async () => {
    const def = withAction(
      connector(),
      'list',
      line({
        id: 'list',
        type: 'http',
        method: 'GET',
        path: '/items',
        query: { limit: '{{ input.limit }}' },
        queryFrom: 'input.filters',
        headers: { 'X-Fixed': 'yes' },
        headersFrom: 'config.extraHeaders',
      }),
    );
    await engine.runAction(def, 'list', {
      input: { limit: 5, filters: { state: 'open', limit: 99, labels: null } },
      config: { extraHeaders: { 'X-Tenant': 't-1', 'X-Fixed': 'no' } },
    });
    const request = partner.requests[0];
    expect(request?.query).toEqual({ state: 'open', limit: '5' });
    expect(request?.headers['x-tenant']).toBe('t-1');
    expect(request?.headers['x-fixed']).toBe('yes');

    const bad = await engine.runAction(def, 'list', { input: { filters: 'state=open' } });
    expect(bad.error?.code).toBe('VALIDATION_FAILED');
    expect(bad.error?.message).toContain('/queryFrom');
  });

  it('places an apiKey where the installation config says', async () => {
    const def = withAction(
      connector({
        auth: { type: 'apiKey', in: '{{ config.authIn }}', name: '{{ config.authName }}' },
      }),
      'get',
      line({ id: 'get', type: 'http', method: 'GET', path: '/me' }),
    );
    const credentials = { apiKey: 'k-123' };
    await engine.runAction(def, 'get', {
      config: { authIn: 'query', authName: 'api_key' },
      credentials,
    });
    await engine.runAction(def, 'get', {
      config: { authIn: 'header', authName: 'X-Token' },
      credentials,
    });
    // Left out of the config: the setting's default from the config schema.
    const defaulted = withAction(
      connector({
        auth: { type: 'apiKey', in: '{{ config.authIn }}', name: 'X-Key' },
        config: { type: 'object', properties: { authIn: { type: 'string', default: 'query' } } },
      }),
      'get',
      line({ id: 'get', type: 'http', method: 'GET', path: '/me' }),
    );
    await engine.runAction(defaulted, 'get', { config: {}, credentials });
    expect(partner.requests[2]?.query['X-Key']).toBe('k-123');
    expect(partner.requests[0]?.query.api_key).toBe('k-123');
    expect(partner.requests[1]?.headers['x-token']).toBe('k-123');
    const missing = await engine.runAction(def, 'get', {
      config: { authIn: 'cookie' },
      credentials,
    });
    expect(missing.error?.code).toBe('VALIDATION_FAILED');
    expect(partner.requests).toHaveLength(3);
  });
});

describe('webhook challenges', () => {
  const def = makeConnector({
    triggers: {
      events: {
        kind: 'webhook',
        title: 'Events',
        event: { type: 'object' },
        challenge: {
          when: "body.type = 'url_verification'",
          respond: "{ 'challenge': body.challenge }",
        },
      },
    },
  });

  it("answers Slack's url_verification and nothing else", async () => {
    const body = { type: 'url_verification', token: 't', challenge: '3eZbrw1aBm2rZgRN' };
    await expect(
      engine.answerChallenge('hooks', def, 'events', { headers: {}, body }),
    ).resolves.toEqual({ respond: { challenge: '3eZbrw1aBm2rZgRN' } });
    await expect(
      engine.answerChallenge('hooks', def, 'events', {
        headers: {},
        body: { type: 'event_callback', event_id: 'Ev1' },
      }),
    ).resolves.toBeNull();
    await expect(
      engine.answerChallenge('hooks', makeConnector(), 'events', { headers: {}, body }),
    ).resolves.toBeNull();
  });
});
