import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuthView, ConnectorDefinition } from '../definition.js';
import { createEngine } from '../engine.js';
import { line, makeConnector, withAction } from '../testing/factories.js';
import { useFakePartner } from '../testing/fake-partner.js';

const logs: string[] = [];
const engine = createEngine({
  egress: { allowPrivate: true },
  logger: {
    log: (level, message, fields) => logs.push(JSON.stringify({ level, message, fields })),
  },
});
let tokenRequests = 0;
const partner = useFakePartner((req) => {
  if (req.path === '/oauth/token') {
    tokenRequests++;
    return {
      body: {
        access_token: `tok-${tokenRequests}-from-oauth`,
        token_type: 'bearer',
        expires_in: 3600,
      },
    };
  }
  // A partner that echoes what it received, the way some debugging endpoints do.
  return { body: { headers: req.headers, query: req.query } };
});
afterAll(() => engine.dispose());
beforeEach(() => {
  logs.length = 0;
  tokenRequests = 0;
});

const withAuth = (auth: AuthView): ConnectorDefinition =>
  withAction(
    makeConnector({ base: { url: partner.url }, auth }),
    'get',
    line({ id: 'get', type: 'http', method: 'GET', path: '/me' }),
  );

describe('auth injection', () => {
  it('apiKey in a header, with its prefix', async () => {
    await engine.runAction(
      withAuth({ type: 'apiKey', in: 'header', name: 'X-Api-Key', prefix: 'Key ' }),
      'get',
      {
        credentials: { apiKey: 'ak-123456' },
      },
    );
    expect(partner.requests[0]?.headers['x-api-key']).toBe('Key ak-123456');
  });

  it('apiKey in the query, never shown in call records', async () => {
    const result = await engine.runAction(
      withAuth({ type: 'apiKey', in: 'query', name: 'api_key' }),
      'get',
      {
        credentials: { apiKey: 'ak-query-999' },
      },
    );
    expect(partner.requests[0]?.query.api_key).toBe('ak-query-999');
    expect(result.calls[0]?.url).not.toContain('ak-query-999');
    expect(JSON.stringify(result)).not.toContain('ak-query-999');
  });

  it('bearer and basic', async () => {
    await engine.runAction(withAuth({ type: 'bearer' }), 'get', {
      credentials: { token: 'bt-abcdef' },
    });
    await engine.runAction(withAuth({ type: 'basic' }), 'get', {
      credentials: { username: 'ada', password: 'pw-secret' },
    });
    expect(partner.requests[0]?.headers.authorization).toBe('Bearer bt-abcdef');
    expect(partner.requests[1]?.headers.authorization).toBe(
      `Basic ${Buffer.from('ada:pw-secret').toString('base64')}`,
    );
  });

  it('oauth2 client credentials: fetches a token once, caches it, presents it as Bearer', async () => {
    const def = withAuth({
      type: 'oauth2ClientCredentials',
      tokenUrl: `${partner.url}/oauth/token`,
      scopes: ['read', 'write'],
    });
    const credentials = { clientId: 'client-1', clientSecret: 'cs-very-secret' };
    await engine.runAction(def, 'get', { credentials });
    await engine.runAction(def, 'get', { credentials });
    const token = partner.requests.filter((r) => r.path === '/oauth/token');
    expect(token).toHaveLength(1);
    expect(new URLSearchParams(token[0]?.body).get('grant_type')).toBe('client_credentials');
    expect(new URLSearchParams(token[0]?.body).get('scope')).toBe('read write');
    expect(token[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('client-1:cs-very-secret').toString('base64')}`,
    );
    const calls = partner.requests.filter((r) => r.path === '/me');
    expect(calls.map((r) => r.headers.authorization)).toEqual([
      'Bearer tok-1-from-oauth',
      'Bearer tok-1-from-oauth',
    ]);
  });

  it('oauth2: a 401 with a cached token fetches a fresh token once and repeats the call', async () => {
    const def = withAuth({
      type: 'oauth2ClientCredentials',
      tokenUrl: `${partner.url}/oauth/token`,
    });
    const credentials = { clientId: 'client-2', clientSecret: 'cs-other-secret' };
    await engine.runAction(def, 'get', { credentials });
    partner.handle((req) => {
      if (req.path === '/oauth/token')
        return { body: { access_token: 'tok-rotated', expires_in: 3600 } };
      return req.headers.authorization === 'Bearer tok-rotated'
        ? { body: { ok: true } }
        : { status: 401, body: { error: 'revoked' } };
    });
    const result = await engine.runAction(def, 'get', { credentials });
    expect(result.status).toBe('succeeded');
    expect(result.calls.map((c) => c.status)).toEqual([401, 200]);
  });

  it('oauth2 authorization code: presents the host token, and on a 401 asks the host once for a fresh one', async () => {
    const def = withAuth({
      type: 'oauth2AuthorizationCode',
      authorizeUrl: `${partner.url}/authorize`,
      tokenUrl: `${partner.url}/oauth/token`,
    });
    const refreshed: string[] = [];
    const oauth = {
      accessToken: () => Promise.resolve('at-stale-111'),
      refresh: (rejected: string) => {
        refreshed.push(rejected);
        return Promise.resolve('at-fresh-222');
      },
    };
    partner.handle((req) =>
      req.headers.authorization === 'Bearer at-fresh-222'
        ? { body: { echoed: req.headers.authorization } }
        : { status: 401, body: { error: 'invalid_token' } },
    );
    const result = await engine.runAction(def, 'get', { oauth });
    expect(result.status).toBe('succeeded');
    expect(refreshed).toEqual(['at-stale-111']);
    expect(result.calls.map((c) => c.status)).toEqual([401, 200]);
    // The echoed token is masked like any credential.
    expect(JSON.stringify(result)).not.toContain('at-fresh-222');
  });

  it('oauth2 authorization code: a second 401 after the refresh fails the call without another refresh', async () => {
    const def = withAuth({
      type: 'oauth2AuthorizationCode',
      authorizeUrl: `${partner.url}/authorize`,
      tokenUrl: `${partner.url}/oauth/token`,
    });
    let refreshes = 0;
    const oauth = {
      accessToken: () => Promise.resolve('at-one'),
      refresh: () => {
        refreshes++;
        return Promise.resolve(`at-two-${refreshes}`);
      },
    };
    partner.handle(() => ({ status: 401, body: { error: 'invalid_token' } }));
    const result = await engine.runAction(def, 'get', { oauth });
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('PARTNER_PERMANENT');
    expect(refreshes).toBe(1);
  });
});

// Polynomial rolling hash over UTF-16 code units, the same in the host and in the isolate, so the
// isolate can look for the secret without ever being given it.
function rollingHash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) >>> 0;
  return h;
}

const SEARCH = `
  const { len, hash, controlLen, controlHash } = ctx.input;
  const res = await ctx.http({ path: '/echo' });
  ctx.log('info', 'partner answered', { headers: res.headers, body: res.body });
  function pow(n) { let p = 1; for (let i = 0; i < n; i++) p = Math.imul(p, 31) >>> 0; return p; }
  function contains(str, L, target) {
    if (typeof str !== 'string' || str.length < L) return false;
    const top = pow(L - 1);
    let h = 0;
    for (let i = 0; i < L; i++) h = (Math.imul(h, 31) + str.charCodeAt(i)) >>> 0;
    if (h === target) return true;
    for (let i = L; i < str.length; i++) {
      h = (h - Math.imul(str.charCodeAt(i - L), top)) >>> 0;
      h = (Math.imul(h, 31) + str.charCodeAt(i)) >>> 0;
      if (h === target) return true;
    }
    return false;
  }
  const seen = new Set();
  const stack = [globalThis, ctx, res];
  let found = false, control = false, visited = 0;
  const look = (s) => { if (contains(s, len, hash)) found = true; if (contains(s, controlLen, controlHash)) control = true; };
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') { look(v); continue; }
    if (v === null || (typeof v !== 'object' && typeof v !== 'function') || seen.has(v)) continue;
    seen.add(v);
    visited++;
    if (typeof v === 'function') { try { look(Function.prototype.toString.call(v)); } catch {} }
    try { stack.push(Object.getPrototypeOf(v)); } catch {}
    let keys = [];
    try { keys = Reflect.ownKeys(v); } catch {}
    for (const k of keys) {
      if (typeof k === 'string') look(k);
      let d;
      try { d = Object.getOwnPropertyDescriptor(v, k); } catch { continue; }
      if (!d) continue;
      if ('value' in d) stack.push(d.value);
      if (d.get) { stack.push(d.get); try { stack.push(d.get.call(v)); } catch {} }
      if (d.set) stack.push(d.set);
    }
  }
  return { found, control, visited, echoed: res.body.headers.authorization };
`;

describe('credentials never enter the isolate', () => {
  it('a code node searching its whole reachable state finds no trace of the planted secret', async () => {
    const secret = `sk_live_PLANTED_${Math.random().toString(36).slice(2)}_9f8e7d`;
    const control = 'control-string-in-config-4c1d';
    const def = withAction(
      makeConnector({ base: { url: partner.url }, auth: { type: 'bearer' } }),
      'probe',
      line({ id: 'probe', type: 'code', source: SEARCH }),
    );
    const result = await engine.runAction(def, 'probe', {
      input: {
        len: secret.length,
        hash: rollingHash(secret),
        controlLen: control.length,
        controlHash: rollingHash(control),
      },
      config: { marker: control },
      credentials: { token: secret },
    });
    expect(result.status, JSON.stringify(result.error)).toBe('succeeded');
    // The partner really got the secret, and echoed it back: the bridge redacted the echo.
    expect(partner.requests[0]?.headers.authorization).toBe(`Bearer ${secret}`);
    const output = result.output as {
      found: boolean;
      control: boolean;
      visited: number;
      echoed: string;
    };
    expect(output.control).toBe(true);
    expect(output.visited).toBeGreaterThan(500);
    expect(output.found).toBe(false);
    expect(output.echoed).toBe('Bearer [REDACTED]');
    expect(JSON.stringify(result)).not.toContain(secret);
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.join('\n')).not.toContain(secret);
  });
});
