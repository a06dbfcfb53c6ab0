// Cluster mode for real: PostgreSQL, Redis (Bull), one API process and worker processes.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, standardSetup } from '../support/api.js';
import type { Call, TenantSetup } from '../support/api.js';
import { startFakePartner } from '../support/fake-partner.js';
import type { FakePartner } from '../support/fake-partner.js';
import { eventually, startRuntime } from '../support/runtime.js';
import type { RuntimeProcess } from '../support/runtime.js';
import { REDIS_URL, freshDatabase, requirePostgres, requireRedis } from '../support/services.js';

const servicesUp = (await requirePostgres()) && (await requireRedis());

describe.skipIf(!servicesUp)('cluster mode (PostgreSQL + Redis + worker processes)', () => {
  let database: ReturnType<typeof freshDatabase>;
  let partner: FakePartner;
  let apiProcess: RuntimeProcess;
  let workers: RuntimeProcess[] = [];
  const everyProcess: RuntimeProcess[] = [];
  let call: Call;
  let t: TenantSetup;
  let env: Record<string, string>;
  /** Record id -> times the partner applied it (a replayed idempotency key is not applied). */
  const appliedRecords = new Map<string, number>();

  const startWorker = () =>
    startRuntime({ args: ['worker'], env: { ...env, PLUGBOARD_WORKER_CONCURRENCY: '4' } }).then(
      (w) => {
        workers.push(w);
        return w;
      },
    );

  beforeAll(async () => {
    database = freshDatabase();
    partner = await startFakePartner();
    env = {
      PLUGBOARD_MODE: 'cluster',
      DATABASE_URL: database.url,
      REDIS_URL,
      PLUGBOARD_QUEUE_PREFIX: `pb-e2e-${randomBytes(4).toString('hex')}`,
      PLUGBOARD_MASTER_KEY: randomBytes(32).toString('hex'),
      PLUGBOARD_LEASE_MS: '3000',
      PLUGBOARD_SWEEP_INTERVAL_MS: '500',
    };
    apiProcess = await startRuntime({ env });
    everyProcess.push(apiProcess);
    call = api(apiProcess);
    await startWorker();
    t = await standardSetup(call, partner.url, 'cluster-tenant');
  });

  afterAll(async () => {
    for (const w of workers) await w.stop();
    await apiProcess?.stop();
    await partner?.close();
    database?.drop();
  });

  const settled = (eventId: string) =>
    eventually(async () => {
      const res = await call('get', `/v1/events/${eventId}`, t.key);
      return ['succeeded', 'failed', 'dead'].includes(res.body.state) ? res.body : undefined;
    }, 30_000);

  it('is ready only with its database and Redis', async () => {
    const res = await call('get', '/health/ready', '').expect(200);
    expect(res.body).toMatchObject({
      mode: 'cluster',
      checks: { database: { ok: true }, redis: { ok: true } },
    });
  });

  it('accepts an event in the API process and a worker delivers it; the run is readable', async () => {
    const res = await call('post', `/v1/installations/${t.installationId}/events`, t.key)
      .set('idempotency-key', 'cluster-1')
      .send({ action: 'send', data: { text: 'via worker' } });
    expect(res.status).toBe(202);
    const again = await call('post', `/v1/installations/${t.installationId}/events`, t.key)
      .set('idempotency-key', 'cluster-1')
      .send({ action: 'send', data: { text: 'via worker' } });
    expect(again.body).toEqual(res.body);
    const conflict = await call('post', `/v1/installations/${t.installationId}/events`, t.key)
      .set('idempotency-key', 'cluster-1')
      .send({ action: 'send', data: { text: 'other' } });
    expect(conflict.status).toBe(409);
    const event = await settled(res.body.events[0].eventId);
    expect(event.state).toBe('succeeded');
    expect(event.attempts[0].worker).toContain(String(workers[0]!.child.pid));
    const run = await call('get', `/v1/runs/${event.lastRunId}`, t.key).expect(200);
    expect(run.body).toMatchObject({
      status: 'succeeded',
      output: { ok: true, echo: { text: 'via worker' } },
    });
    expect(
      partner.requests.filter((r) => (r.body as { text?: string }).text === 'via worker'),
    ).toHaveLength(1);
  });

  it('survives kill -9 of a worker in the middle of a batch: every accepted event succeeds exactly once at the partner', async () => {
    partner.reset();
    appliedRecords.clear();
    partner.script((request) => {
      const records = (request.body as { records?: Array<{ id: string }> })?.records;
      if (request.path !== '/import' || !records) return undefined;
      for (const r of records) appliedRecords.set(r.id, (appliedRecords.get(r.id) ?? 0) + 1);
      // Slow enough that the worker dies while the partner is still answering.
      return {
        status: 200,
        delayMs: 1500,
        body: { results: records.map((r) => ({ ok: true, id: r.id })) },
      };
    });
    const ids = Array.from({ length: 30 }, (_, i) => `kill-${i}`);
    const res = await call('post', `/v1/installations/${t.installationId}/events`, t.key).send({
      events: ids.map((id) => ({ id, action: 'import', data: { id } })),
    });
    expect(res.status).toBe(202);
    expect(res.body.events.every((e: { status: string }) => e.status === 'accepted')).toBe(true);

    await eventually(
      async () => (partner.requests.some((r) => r.path === '/import') ? true : undefined),
      20_000,
      20,
    );
    await workers[0]!.kill();
    workers = workers.slice(1);
    await startWorker();
    await startWorker();

    const finals = await Promise.all(
      res.body.events.map((e: { eventId: string }) => settled(e.eventId)),
    );
    expect(finals.map((e) => e.state)).toEqual(ids.map(() => 'succeeded'));
    expect([...appliedRecords.keys()].sort()).toEqual([...ids].sort());
    expect([...appliedRecords.values()].every((n) => n === 1)).toBe(true);
    // At least one item ran more than once (the killed attempt), yet the partner applied it once.
    expect(finals.some((e) => e.attempts.length > 1 || e.attempts[0]?.attempt > 1)).toBe(true);
  });

  it('finds and runs items an API process committed but could not enqueue (Redis unreachable from it)', async () => {
    const cutOff = await startRuntime({ env: { ...env, REDIS_URL: 'redis://127.0.0.1:1' } });
    try {
      const res = await api(cutOff)(
        'post',
        `/v1/installations/${t.installationId}/events`,
        t.key,
      ).send({ action: 'send', data: { text: 'swept' } });
      expect(res.status).toBe(202);
      const event = await settled(res.body.events[0].eventId);
      expect(event.state).toBe('succeeded');
      expect(
        partner.requests.filter((r) => (r.body as { text?: string })?.text === 'swept'),
      ).toHaveLength(1);
    } finally {
      await cutOff.stop();
    }
  });

  it('lists and revokes a key on PostgreSQL: refused at once by the API process, audited', async () => {
    const created = await call('post', '/v1/api-keys')
      .send({ tenantId: t.tenantId, scopes: ['runs:read'], name: 'cluster reader' })
      .expect(201);
    await call('get', '/v1/runs', created.body.key).expect(200);
    const listed = await call('get', `/v1/api-keys?tenantId=${t.tenantId}`).expect(200);
    expect((listed.body.keys as Array<{ id: string }>).map((k) => k.id)).toContain(created.body.id);
    await call('delete', `/v1/api-keys/${created.body.id}`).expect(200);
    expect((await call('get', '/v1/runs', created.body.key)).status).toBe(401);
    const again = await call('delete', `/v1/api-keys/${created.body.id}`).expect(200);
    expect(again.body.revokedAt).toEqual(expect.any(String));
    const audit = await call('get', '/v1/audit').expect(200);
    const revocations = (audit.body.entries as Array<{ action: string; targetId: string }>).filter(
      (e) => e.action === 'api-key.revoked' && e.targetId === created.body.id,
    );
    expect(revocations).toHaveLength(1);
  });

  it('refuses a revoked key within a second on every API process, not only the one that revoked it', async () => {
    const second = await startRuntime({ env });
    everyProcess.push(second);
    try {
      const created = await call('post', '/v1/api-keys')
        .send({ tenantId: t.tenantId, scopes: ['runs:read'] })
        .expect(201);
      const other = api(second);
      // Authenticated, so the second process holds the key in its cache.
      await other('get', '/v1/runs', created.body.key).expect(200);
      await call('delete', `/v1/api-keys/${created.body.id}`).expect(200);
      const refusedAt = Date.now();
      await eventually(
        async () =>
          (await other('get', '/v1/runs', created.body.key)).status === 401 ? true : undefined,
        1000,
        50,
      );
      // Well inside the 30 s the second process would otherwise keep the key cached.
      expect(Date.now() - refusedAt).toBeLessThan(1000);
    } finally {
      await second.stop();
    }
  });

  it('never writes the credentials or the master key into any API or worker log line', () => {
    const secrets = [
      'tok-cluster-tenant-secret-value',
      'whsec-cluster-tenant-value',
      env.PLUGBOARD_MASTER_KEY!,
    ];
    const lines = everyProcess.flatMap((p) => p.logs);
    expect(lines.length).toBeGreaterThan(20);
    for (const secret of secrets) expect(lines.filter((line) => line.includes(secret))).toEqual([]);
  });
});
