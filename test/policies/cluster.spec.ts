// Cluster mode: the partner-wide limit is held in Redis, so two worker processes together still
// stay within a connector's declared rate.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../support/api.js';
import type { Call } from '../support/api.js';
import { startFakePartner } from '../support/fake-partner.js';
import type { FakePartner } from '../support/fake-partner.js';
import { eventually, startRuntime } from '../support/runtime.js';
import type { RuntimeProcess } from '../support/runtime.js';
import { freshDatabase, requirePostgres, requireRedis } from '../support/services.js';
import {
  allSettled,
  busiestWindow,
  clusterEnv,
  enforceLimit,
  installConnector,
  limitedConnector,
  on,
  postEvents,
} from './support.js';

const servicesUp = (await requirePostgres()) && (await requireRedis());

describe.skipIf(!servicesUp)('egress policies across processes (PostgreSQL + Redis)', () => {
  let database: ReturnType<typeof freshDatabase>;
  let partner: FakePartner;
  const processes: RuntimeProcess[] = [];
  let call: Call;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = freshDatabase();
    partner = await startFakePartner();
    env = {
      ...clusterEnv(database.url),
      PLUGBOARD_WORKER_CONCURRENCY: '4',
      PLUGBOARD_EGRESS_SAFETY_MARGIN: '0.06',
      // Short leases, so a killed worker's items and concurrency slots come back within seconds.
      PLUGBOARD_LEASE_MS: '3000',
      PLUGBOARD_EGRESS_LEASE_MS: '3000',
    };
    const apiProcess = await startRuntime({ env });
    processes.push(apiProcess);
    call = api(apiProcess);
    for (const _ of [1, 2]) processes.push(await startRuntime({ args: ['worker'], env }));
  });

  afterAll(async () => {
    for (const p of processes.reverse()) await p.stop();
    await partner?.close();
    database?.drop();
  });

  it('holds a 10 requests/s partner limit with two workers sending', async () => {
    // A connector id of its own per run: the Redis buckets outlive the processes.
    const id = `rated-${randomBytes(3).toString('hex')}`;
    const definition = limitedConnector(partner.url, id, { rate: { requests: 10, perMs: 1000 } });
    const t = await installConnector(call, definition, 'cluster-rated');
    const books = enforceLimit(partner, `/${id}/`, 10, 1000);
    const texts = Array.from({ length: 60 }, (_, i) => ({
      action: 'send',
      data: { text: `c${i}` },
    }));
    const ids = await postEvents(call, t.key, t.installationId, texts);
    await eventually(
      async () => (on(partner, `/${id}/`).length >= 60 ? true : undefined),
      30_000,
      200,
    );
    const events = await allSettled(call, t.key, ids);
    expect(events.filter((e) => e.state !== 'succeeded')).toEqual([]);
    const seen = on(partner, `/${id}/`);
    expect(books.refused).toBe(0);
    expect(seen).toHaveLength(60);
    expect(busiestWindow(seen)).toBeLessThanOrEqual(10);
    const workers = new Set(events.map((e) => e.attempts.at(-1)!.worker));
    expect(workers.size).toBe(2);
  }, 60_000);

  it('keeps a concurrency cap of 3 across workers and gets the slots and items of killed workers back', async () => {
    const id = `capped-${randomBytes(3).toString('hex')}`;
    const t = await installConnector(
      call,
      limitedConnector(partner.url, id, { concurrency: 3 }),
      'cluster-capped',
    );
    const answerMs = 800;
    partner.script((request) =>
      request.path.startsWith(`/${id}/`)
        ? { status: 200, body: { ok: true }, delayMs: answerMs }
        : undefined,
    );
    const texts = Array.from({ length: 12 }, (_, i) => ({
      action: 'send',
      data: { text: `k${i}` },
    }));
    const ids = await postEvents(call, t.key, t.installationId, texts);
    await eventually(
      async () => (on(partner, `/${id}/`).length >= 3 ? true : undefined),
      20_000,
      20,
    );
    // Every worker dies with calls in flight; a fresh one has to get their slots and items back.
    for (const worker of processes.splice(1)) await worker.kill();
    processes.push(await startRuntime({ args: ['worker'], env }));
    const events = await allSettled(call, t.key, ids, 45_000);
    expect(events.filter((e) => e.state !== 'succeeded')).toEqual([]);
    const seen = on(partner, `/${id}/`);
    const inFlight = seen.map(
      (r) => seen.filter((q) => q.at <= r.at && r.at < q.at + answerMs).length,
    );
    expect(Math.max(...inFlight)).toBeLessThanOrEqual(3);
    // The killed workers' items ran again once their leases ended, and no slot leaked.
    expect(events.some((e) => e.attempts.at(-1)!.attempt > 1)).toBe(true);
    const health = await call('get', `/v1/installations/${t.installationId}/health`, t.key).expect(
      200,
    );
    expect(health.body.policies.state.concurrency).toContainEqual(
      expect.objectContaining({ scope: 'installation', limit: 3, inUse: 0 }),
    );
  }, 90_000);
});
