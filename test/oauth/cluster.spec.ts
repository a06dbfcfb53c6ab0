// Cluster mode: the refresh after a 401 happens once even when two worker processes meet the
// revoked token at the same moment (the token row's lock in PostgreSQL, re-read after acquiring).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, makeTenant, publish } from '../support/api.js';
import type { Call } from '../support/api.js';
import { eventually, freePort, startRuntime } from '../support/runtime.js';
import type { RuntimeProcess } from '../support/runtime.js';
import { REDIS_URL, freshDatabase, requirePostgres, requireRedis } from '../support/services.js';
import { startFakeProvider } from './fake-provider.js';
import type { FakeProvider } from './fake-provider.js';
import { CONNECTOR_ID, OAuthSteps, oauthConnector, putOAuthApp } from './support.js';

const servicesUp = (await requirePostgres()) && (await requireRedis());

describe.skipIf(!servicesUp)('OAuth refresh in cluster mode (two worker processes)', () => {
  let database: ReturnType<typeof freshDatabase>;
  let provider: FakeProvider;
  let apiProcess: RuntimeProcess;
  const workers: RuntimeProcess[] = [];
  let call: Call;
  let steps: OAuthSteps;

  beforeAll(async () => {
    database = freshDatabase();
    provider = await startFakeProvider({ clientAuth: 'basic' });
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    const env = {
      PLUGBOARD_MODE: 'cluster',
      DATABASE_URL: database.url,
      REDIS_URL,
      PLUGBOARD_QUEUE_PREFIX: `pb-oauth-${randomBytes(4).toString('hex')}`,
      PLUGBOARD_MASTER_KEY: randomBytes(32).toString('hex'),
      PLUGBOARD_PUBLIC_URL: publicUrl,
      PLUGBOARD_SWEEP_INTERVAL_MS: '500',
    };
    apiProcess = await startRuntime({ port, env });
    call = api(apiProcess);
    steps = new OAuthSteps(call, publicUrl);
    // Few slots per worker, so neither worker can take the whole burst alone.
    const workerEnv = { ...env, PLUGBOARD_WORKER_CONCURRENCY: '5' };
    workers.push(
      ...(await Promise.all([
        startRuntime({ args: ['worker'], env: workerEnv }),
        startRuntime({ args: ['worker'], env: workerEnv }),
      ])),
    );
    await publish(call, oauthConnector(provider));
    await putOAuthApp(apiProcess, provider);
  }, 90_000);

  afterAll(async () => {
    for (const w of workers) await w.stop();
    await apiProcess?.stop();
    await provider?.close();
    database?.drop();
  });

  it('refreshes once for 20 events that two workers deliver with a revoked token', async () => {
    const { installationId, key } = await makeTenant(call, 'cluster-oauth', CONNECTOR_ID, {});
    expect((await steps.connect(installationId, key)).status).toBe(302);
    provider.revokeAccessTokens();
    // A slow refresh: the other worker meets the 401 while the first refresh is still out.
    provider.refreshDelayMs = 1500;
    const before = provider.refreshAttempts();
    const accepted = await call('post', `/v1/installations/${installationId}/events`, key)
      .send({
        events: Array.from({ length: 20 }, (_, i) => ({
          id: `burst-${i}`,
          action: 'send',
          data: { text: `burst ${i}` },
        })),
      })
      .expect(202);
    const ids = (accepted.body.events as Array<{ eventId: string }>).map((e) => e.eventId);
    expect(ids).toHaveLength(20);
    const settled = await eventually(
      async () => {
        const states = await Promise.all(
          ids.map(async (id) => (await call('get', `/v1/events/${id}`, key)).body),
        );
        return states.every((s: { state: string }) => s.state === 'succeeded')
          ? (states as Array<{ attempts: Array<{ worker: string }> }>)
          : undefined;
      },
      60_000,
      250,
    );
    // One refresh request in all: no worker spent the rotated refresh token a second time.
    expect(provider.refreshAttempts()).toBe(before + 1);
    expect(provider.tokenCalls.filter((c) => c.status !== 200)).toEqual([]);
    // And no event needed a second attempt.
    expect(settled.map((s) => s.attempts.length)).toEqual(ids.map(() => 1));
    const workersSeen = new Set(settled.flatMap((s) => s.attempts.map((a) => a.worker)));
    expect(workersSeen.size).toBe(2);
    const secrets = [...provider.issued, provider.clientSecret];
    for (const line of [apiProcess, ...workers].flatMap((p) => p.logs)) {
      for (const secret of secrets) expect(line.includes(secret)).toBe(false);
    }
  }, 90_000);
});
