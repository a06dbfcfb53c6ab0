// Routes in cluster mode: PostgreSQL, Redis, one API process and three worker processes, every
// one of which runs the releaser of ordered deliveries and the poll scheduler.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, makeTenant, publish } from '../support/api.js';
import type { Call } from '../support/api.js';
import { startFakePartner } from '../support/fake-partner.js';
import type { FakePartner } from '../support/fake-partner.js';
import { eventually, startRuntime } from '../support/runtime.js';
import type { RuntimeProcess } from '../support/runtime.js';
import { REDIS_URL, freshDatabase, requirePostgres, requireRedis } from '../support/services.js';
import {
  deliverAcme,
  failRandomly,
  feedConnector,
  orderPerKey,
  orderedRoute,
  sendInterleaved,
  targetWithoutInRunRetries,
} from './route-fixtures.js';

const servicesUp = (await requirePostgres()) && (await requireRedis());

describe.skipIf(!servicesUp)('routes in cluster mode (3 workers)', () => {
  let database: ReturnType<typeof freshDatabase>;
  let partner: FakePartner;
  let feed: FakePartner;
  const processes: RuntimeProcess[] = [];
  let call: Call;
  let t: { key: string; installationId: string };
  const applied: string[] = [];
  const items: Array<{ id: number; title: string }> = [];

  beforeAll(async () => {
    database = freshDatabase();
    partner = await startFakePartner();
    failRandomly(partner, applied);
    feed = await startFakePartner();
    // A slow list endpoint: two polls of the trigger at once would overlap in time.
    feed.script((request) => {
      if (request.path !== '/items') return undefined;
      const after = Number(request.query.after ?? 0);
      const page = items.filter((i) => i.id >= after).slice(0, 2);
      const more = items.filter((i) => i.id >= after).length > page.length;
      return {
        status: 200,
        delayMs: 300,
        body: { items: page, next: more ? String(page[page.length - 1]!.id + 1) : null },
      };
    });
    const env = {
      PLUGBOARD_MODE: 'cluster',
      DATABASE_URL: database.url,
      REDIS_URL,
      PLUGBOARD_QUEUE_PREFIX: `pb-routes-${randomBytes(4).toString('hex')}`,
      PLUGBOARD_MASTER_KEY: randomBytes(32).toString('hex'),
      PLUGBOARD_LEASE_MS: '5000',
      PLUGBOARD_SWEEP_INTERVAL_MS: '500',
      PLUGBOARD_MAX_ATTEMPTS: '20',
    };
    const apiProcess = await startRuntime({ env });
    processes.push(apiProcess);
    call = api(apiProcess);
    for (let i = 0; i < 3; i++)
      processes.push(
        await startRuntime({
          args: ['worker'],
          env: { ...env, PLUGBOARD_WORKER_CONCURRENCY: '4' },
        }),
      );
    await publish(call, targetWithoutInRunRetries(partner.url));
    await publish(call, feedConnector(feed.url));
    t = await makeTenant(call, 'cluster-routes');
  }, 120_000);

  afterAll(async () => {
    for (const p of processes.reverse()) await p.stop();
    await partner?.close();
    await feed?.close();
    database?.drop();
  });

  it('keeps per-key order across three workers while the partner fails randomly', async () => {
    const route = await call('post', '/v1/routes', t.key).send(orderedRoute(t.installationId));
    expect(route.status, JSON.stringify(route.body)).toBe(201);
    const keys = ['alpha', 'beta', 'gamma', 'delta'];
    await sendInterleaved(
      (payload, delivery) =>
        deliverAcme(call, t.installationId, 'whsec-cluster-routes-value', payload, delivery).expect(
          202,
        ),
      keys,
      6,
      applied,
    );
    const inOrder = [...Array(6).keys()];
    expect(orderPerKey(applied, keys)).toEqual(Object.fromEntries(keys.map((k) => [k, inOrder])));
    expect(applied).toHaveLength(24);
    // The partner did fail, so events were retried by whichever worker leased them.
    expect(partner.requests.filter((r) => r.path === '/messages').length).toBeGreaterThan(24);
  }, 120_000);

  it('polls a trigger from one process at a time and delivers each record once', async () => {
    const feedInstall = await call('post', '/v1/installations', t.key)
      .send({ connectorId: 'feed', credentials: { token: 'feed-token' } })
      .expect(201);
    items.push(...[1, 2, 3, 4, 5].map((id) => ({ id, title: `item ${id}` })));
    const route = await call('post', '/v1/routes', t.key).send({
      name: 'feed',
      source: { installationId: feedInstall.body.id, trigger: 'items' },
      target: { installationId: t.installationId, action: 'send' },
      mapping: "{ 'text': 'feed:' & $string(id), 'n': id }",
    });
    expect(route.status, JSON.stringify(route.body)).toBe(201);
    const fed = () => applied.filter((x) => x.startsWith('feed:'));
    await eventually(async () => (fed().length >= 5 ? true : undefined), 30_000);
    items.push(...[6, 7].map((id) => ({ id, title: `item ${id}` })));
    await eventually(async () => (fed().length >= 7 ? true : undefined), 30_000);
    // Several poll intervals pass with four processes competing for the trigger.
    await new Promise((r) => setTimeout(r, 3000));
    expect(fed().sort()).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => `feed:${n}`).sort());
    const starts = feed.requests.filter((r) => r.path === '/items').map((r) => r.at);
    expect(starts.length).toBeGreaterThan(4);
    // Each request is answered after 300 ms and the next page or poll only follows the answer.
    for (let i = 1; i < starts.length; i++)
      expect(starts[i]! - starts[i - 1]!, `request ${i}`).toBeGreaterThanOrEqual(290);
  }, 120_000);
});
