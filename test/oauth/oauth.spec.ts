// OAuth 2.0 authorization code end to end: the built runtime as a child process, a fake provider
// that checks PKCE, client authentication and redirect URIs and rotates refresh tokens, and a fake
// partner that accepts only live access tokens.
import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, makeTenant, publish } from '../support/api.js';
import type { Call } from '../support/api.js';
import { eventually, freePort, startRuntime } from '../support/runtime.js';
import type { RuntimeProcess } from '../support/runtime.js';
import { startFakeProvider } from './fake-provider.js';
import type { FakeProvider } from './fake-provider.js';
import { CONNECTOR_ID, OAuthSteps, oauthConnector, putOAuthApp } from './support.js';

const STATE_TTL_SEC = 4;

let runtime: RuntimeProcess;
let provider: FakeProvider;
let call: Call;
let publicUrl: string;
let steps: OAuthSteps;
/** Every response body the specs received, for the "tokens appear nowhere" check. */
const seen: string[] = [];

function record(res: Response): Response {
  seen.push(JSON.stringify(res.body ?? null), res.text ?? '', JSON.stringify(res.headers));
  return res;
}

async function newInstallation(name: string) {
  return makeTenant(call, name, CONNECTOR_ID, {});
}

beforeAll(async () => {
  provider = await startFakeProvider({ clientAuth: 'basic' });
  const port = await freePort();
  publicUrl = `http://127.0.0.1:${port}`;
  runtime = await startRuntime({
    port,
    env: {
      PLUGBOARD_PUBLIC_URL: publicUrl,
      PLUGBOARD_OAUTH_STATE_TTL_SEC: String(STATE_TTL_SEC),
      PLUGBOARD_ALERT_INTERVAL_MS: '500',
    },
  });
  call = api(runtime);
  steps = new OAuthSteps(call, publicUrl, record);
  await publish(call, oauthConnector(provider));
  await putOAuthApp(runtime, provider);
}, 60_000);

afterAll(async () => {
  await runtime?.stop();
  await provider?.close();
});

describe('OAuth app', () => {
  it('is set by an admin and never read back: only configured and the client id', async () => {
    const res = record(await call('get', `/v1/connectors/${CONNECTOR_ID}/oauth-app`).expect(200));
    expect(res.body).toMatchObject({ configured: true, clientId: provider.clientId });
    expect(JSON.stringify(res.body)).not.toContain(provider.clientSecret);
    const tenant = await newInstallation('app-reader');
    const denied = record(
      await call('get', `/v1/connectors/${CONNECTOR_ID}/oauth-app`, tenant.key),
    );
    expect(denied.status).toBe(403);
  });
});

describe('authorization code flow', () => {
  it('connects with PKCE verified by the provider, lands on the installation page, and calls the partner with the token', async () => {
    const { installationId, key } = await newInstallation('flow');
    const started = await steps.start(installationId, key);
    const authorizeUrl = new URL(started.authorizeUrl);
    expect(authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorizeUrl.searchParams.get('redirect_uri')).toBe(`${publicUrl}/oauth/callback`);
    expect(authorizeUrl.searchParams.get('scope')).toBe('messages:write profile');
    expect(authorizeUrl.searchParams.get('access_type')).toBe('offline');
    // Ten minutes by default; this runtime is configured shorter for the expiry spec.
    expect(Date.parse(started.expiresAt) - Date.now()).toBeLessThanOrEqual(STATE_TTL_SEC * 1000);

    const callback = await steps.authorize(started.authorizeUrl);
    const landed = record(await call('get', callback, ''));
    expect(landed.status).toBe(302);
    expect(landed.headers.location).toBe(
      `${publicUrl}/#/installations/${installationId}?oauth=connected`,
    );
    const exchange = provider.tokenCalls.at(-1);
    expect(exchange).toMatchObject({
      grantType: 'authorization_code',
      clientAuth: 'basic',
      pkceVerified: true,
      status: 200,
    });

    const state = record(
      await call('get', `/v1/installations/${installationId}/oauth`, key).expect(200),
    );
    expect(state.body).toMatchObject({
      state: 'connected',
      status: 'enabled',
      scopes: ['messages:write', 'profile'],
    });
    expect(Date.parse(state.body.expiresAt as string)).toBeGreaterThan(Date.now());

    const sent = record(
      await call('post', `/v1/installations/${installationId}/actions/send`, key)
        .send({ text: 'hello' })
        .expect(200),
    );
    expect(sent.body.output).toMatchObject({ ok: true, received: { text: 'hello' } });
    const last = provider.partnerCalls.at(-1);
    expect(last?.status).toBe(200);
    expect(provider.liveAccess()).toContain(last?.authorization?.slice('Bearer '.length));
  });

  it('refuses a replayed state with a page that says so, without a second code exchange', async () => {
    const { installationId, key } = await newInstallation('replay');
    const { authorizeUrl } = await steps.start(installationId, key);
    const callback = await steps.authorize(authorizeUrl);
    expect(record(await call('get', callback, '')).status).toBe(302);
    const exchanges = provider.tokenCalls.length;
    const again = record(await call('get', callback, ''));
    expect(again.status).toBe(400);
    expect(again.headers['content-type']).toContain('text/html');
    expect(again.text).toContain('already used');
    expect(provider.tokenCalls.length).toBe(exchanges);
  });

  it('refuses an expired state and says to press Connect again', async () => {
    const { installationId, key } = await newInstallation('expired');
    const { authorizeUrl } = await steps.start(installationId, key);
    const callback = await steps.authorize(authorizeUrl);
    await new Promise((r) => setTimeout(r, STATE_TTL_SEC * 1000 + 500));
    const late = record(await call('get', callback, ''));
    expect(late.status).toBe(400);
    expect(late.text).toContain('Authorization expired');
    expect(late.text).toContain('Connect again');
    const state = record(
      await call('get', `/v1/installations/${installationId}/oauth`, key).expect(200),
    );
    expect(state.body.state).toBe('not_connected');
  });

  it('shows what happened when the user declines at the provider', async () => {
    const { installationId, key } = await newInstallation('declined');
    const { authorizeUrl } = await steps.start(installationId, key);
    provider.denyNext = true;
    const callback = await steps.authorize(authorizeUrl);
    const page = record(await call('get', callback, ''));
    expect(page.status).toBe(403);
    expect(page.text).toContain('Access was declined');
    expect(page.text).toContain(`#/installations/${installationId}`);
  });

  it('ends on a page that says what to do when the provider refuses the code', async () => {
    const { installationId, key } = await newInstallation('bad-code');
    const { authorizeUrl } = await steps.start(installationId, key);
    const callback = new URL(await steps.authorize(authorizeUrl), publicUrl);
    const code = callback.searchParams.get('code') ?? '';
    callback.searchParams.set('code', `${code}-tampered`);
    const page = record(await call('get', `${callback.pathname}${callback.search}`, ''));
    expect(page.status).toBe(400);
    expect(page.text).toContain('Authorization code refused');
    expect(page.text).toContain('Press Connect again');
    expect(page.text).not.toContain(code);
    expect(provider.tokenCalls.at(-1)).toMatchObject({ status: 400, error: 'invalid_grant' });
    const state = record(await call('get', `/v1/installations/${installationId}/oauth`, key));
    expect(state.body.state).toBe('not_connected');
  });

  it('refuses a state for another runtime or a made-up one', async () => {
    const page = record(await call('get', '/oauth/callback?code=abc&state=made-up', ''));
    expect(page.status).toBe(400);
    expect(page.text).toContain('Unknown authorization');
  });
});

describe('refresh', () => {
  it('refreshes before expiry (skew), so the partner never sees an expired token', async () => {
    const { installationId, key } = await newInstallation('skew');
    // 31 s of life against a 30 s skew: due for refresh a second after connecting.
    provider.accessTtlSec = 31;
    expect((await steps.connect(installationId, key)).status).toBe(302);
    provider.accessTtlSec = 3600;
    await new Promise((r) => setTimeout(r, 1200));
    const before = provider.refreshCount();
    const partnerBefore = provider.partnerCalls.length;
    record(
      await call('post', `/v1/installations/${installationId}/actions/send`, key)
        .send({ text: 'fresh' })
        .expect(200),
    );
    expect(provider.refreshCount()).toBe(before + 1);
    expect(provider.partnerCalls.slice(partnerBefore).map((c) => c.status)).toEqual([200]);
    const state = record(
      await call('get', `/v1/installations/${installationId}/oauth`, key).expect(200),
    );
    expect(Date.parse(state.body.expiresAt as string) - Date.now()).toBeGreaterThan(3000_000);
    expect(state.body.refreshedAt).not.toBeNull();
  });

  it('refreshes on a 401 exactly once under 20 concurrent calls, and every call succeeds', async () => {
    const { installationId, key } = await newInstallation('burst');
    expect((await steps.connect(installationId, key)).status).toBe(302);
    provider.revokeAccessTokens();
    const before = provider.refreshAttempts();
    const partnerBefore = provider.partnerCalls.length;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call('post', `/v1/installations/${installationId}/actions/send`, key).send({
          text: `burst ${i}`,
        }),
      ),
    );
    results.forEach(record);
    expect(results.map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => 200));
    expect(provider.refreshAttempts()).toBe(before + 1);
    const calls = provider.partnerCalls.slice(partnerBefore);
    expect(calls.filter((c) => c.status === 200)).toHaveLength(20);
    // The revoked token was refused, and no call saw more than one 401 before the fresh token.
    const refused = calls.filter((c) => c.status === 401).length;
    expect(refused).toBeGreaterThanOrEqual(1);
    expect(refused).toBeLessThanOrEqual(20);
  });

  it('marks the installation needs_reauth on invalid_grant, keeps its items queued, and delivers them after Reconnect', async () => {
    const { installationId, key } = await newInstallation('reauth');
    expect((await steps.connect(installationId, key)).status).toBe(302);
    provider.revokeEverything();
    const first = record(
      await call('post', `/v1/installations/${installationId}/events`, key)
        .send({ action: 'send', data: { text: 'queued 1' } })
        .expect(202),
    );
    expect(first.body.events[0].status).toBe('accepted');
    const status = await eventually(async () => {
      const res = record(await call('get', `/v1/installations/${installationId}`, key));
      return res.body.status === 'needs_reauth' ? res.body.status : undefined;
    });
    expect(status).toBe('needs_reauth');
    const oauth = record(
      await call('get', `/v1/installations/${installationId}/oauth`, key).expect(200),
    );
    expect(oauth.body.state).toBe('needs_reauth');
    const audit = record(
      await call('get', `/v1/audit?action=installation.needs-reauth`).expect(200),
    );
    expect(JSON.stringify(audit.body)).toContain(installationId);
    const alert = await eventually(async () => {
      const res = record(await call('get', `/v1/alerts?state=firing`).expect(200));
      const alerts = (res.body as { alerts: Array<Record<string, unknown>> }).alerts;
      return alerts.find((a) => a.rule === 'needs-reauth' && a.installationId === installationId);
    });
    expect(alert).toMatchObject({ state: 'firing', runbook: 'docs/runbooks/credential-expiry.md' });

    record(
      await call('post', `/v1/installations/${installationId}/events`, key)
        .send({
          events: [
            { id: 'queued-2', action: 'send', data: { text: 'queued 2' } },
            { id: 'queued-3', action: 'send', data: { text: 'queued 3' } },
          ],
        })
        .expect(202),
    );
    await new Promise((r) => setTimeout(r, 1500));
    const delivered = () =>
      provider.partnerCalls
        .filter((c) => c.status === 200)
        .map((c) => (c.body as { text?: string } | null)?.text)
        .filter((t) => typeof t === 'string' && t.startsWith('queued'));
    // Paused: nothing got through, and nothing was dropped.
    expect(delivered()).toEqual([]);

    const reconnected = await steps.connect(installationId, key);
    expect(reconnected.status).toBe(302);
    expect(reconnected.headers.location).toContain('?oauth=connected');
    // Installations are cached for a second per process: the status follows within that.
    await eventually(async () => {
      const res = record(await call('get', `/v1/installations/${installationId}`, key));
      return res.body.status === 'enabled' ? true : undefined;
    });
    const texts = await eventually(
      () => Promise.resolve(delivered().length >= 3 ? delivered() : undefined),
      40_000,
    );
    expect([...texts].sort()).toEqual(['queued 1', 'queued 2', 'queued 3']);
  }, 60_000);
});

describe('not connected yet', () => {
  it('holds the events of an installation nobody connected yet, and delivers them after Connect', async () => {
    const { installationId, key } = await newInstallation('early');
    record(
      await call('post', `/v1/installations/${installationId}/events`, key)
        .send({ action: 'send', data: { text: 'early bird' } })
        .expect(202),
    );
    await eventually(async () => {
      const res = record(await call('get', `/v1/installations/${installationId}`, key));
      return res.body.status === 'needs_reauth' ? true : undefined;
    });
    const page = record(await call('get', `/v1/installations/${installationId}/oauth`, key));
    expect(page.body).toMatchObject({ oauth: true, state: 'not_connected' });
    expect((await steps.connect(installationId, key)).status).toBe(302);
    const delivered = await eventually(
      () =>
        Promise.resolve(
          provider.partnerCalls.find(
            (c) => c.status === 200 && (c.body as { text?: string } | null)?.text === 'early bird',
          ),
        ),
      40_000,
    );
    expect(delivered.authorization?.startsWith('Bearer ')).toBe(true);
  }, 60_000);
});

describe('secrets', () => {
  it('no token and no client secret appears in any response or log line', async () => {
    const runs = record(await call('get', '/v1/runs?limit=100').expect(200));
    for (const run of runs.body.runs as Array<{ id: string }>) {
      record(await call('get', `/v1/runs/${run.id}`));
    }
    record(await call('get', '/v1/audit?limit=200'));
    expect(provider.issued.length).toBeGreaterThan(10);
    const responses = seen.join('\n');
    const logs = runtime.logs.join('\n');
    for (const secret of [...provider.issued, provider.clientSecret]) {
      expect(responses.includes(secret), `a response carries ${secret.slice(0, 6)}...`).toBe(false);
      expect(logs.includes(secret), `a log line carries ${secret.slice(0, 6)}...`).toBe(false);
    }
  });
});
