// A runtime killed (SIGKILL) while it fans polled records out to a route: after the restart every
// record reaches the target exactly once, the committed-but-unrouted ones through recovery.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, makeTenant, publish } from '../support/api.js';
import type { Call } from '../support/api.js';
import { makeConnector } from '../support/factories.js';
import { startFakePartner } from '../support/fake-partner.js';
import type { FakePartner } from '../support/fake-partner.js';
import { eventually, startRuntime } from '../support/runtime.js';
import type { RuntimeProcess } from '../support/runtime.js';
import { feedConnector } from './route-fixtures.js';

const COUNT = 400;
const env = { PLUGBOARD_LEASE_MS: '3000', PLUGBOARD_WORKER_CONCURRENCY: '4' };
const dataDir = mkdtempSync(join(tmpdir(), 'plugboard-crash-'));
let feed: FakePartner;
let target: FakePartner;
let runtime: RuntimeProcess;
let call: Call;
/** The n of every send the partner applied (replays of an applied idempotency key excluded). */
const applied: number[] = [];

beforeAll(async () => {
  feed = await startFakePartner();
  // One page with every item, so one poll commits them all before the fan-out starts.
  const items = Array.from({ length: COUNT }, (_, i) => ({ id: i + 1, title: `item ${i + 1}` }));
  feed.script((request) =>
    request.path === '/items'
      ? {
          status: 200,
          body: {
            items: items.filter((i) => i.id >= Number(request.query.after ?? 0)),
            next: null,
          },
        }
      : undefined,
  );
  target = await startFakePartner();
  target.script((request) => {
    if (request.path !== '/messages') return undefined;
    applied.push((request.body as { n: number }).n);
    return { status: 200, body: { ok: true } };
  });
  runtime = await startRuntime({ dataDir, env });
  call = api(runtime);
  await publish(call, feedConnector(feed.url));
  await publish(call, makeConnector(target.url));
});

afterAll(async () => {
  await runtime?.stop();
  await feed?.close();
  await target?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a crash during fan-out', () => {
  it('loses no polled record and delivers none twice', async () => {
    const t = await makeTenant(call, 'crash');
    const source = await call('post', '/v1/installations', t.key)
      .send({ connectorId: 'feed', credentials: { token: 'feed-token' } })
      .expect(201);
    const records = () =>
      call('get', `/v1/installations/${source.body.id}/triggers/items/records?limit=500`, t.key);
    await call('post', '/v1/routes', t.key)
      .send({
        name: 'feed',
        source: { installationId: source.body.id, trigger: 'items' },
        target: { installationId: t.installationId, action: 'send' },
        mapping: "{ 'text': title, 'n': id }",
      })
      .expect(201);
    // Kill the process once the records are committed and only some of them are routed.
    await eventually(
      async () => {
        const res = await records();
        const states = (res.body.records ?? []).map((r: { state: string }) => r.state);
        return states.length === COUNT && states.includes('pending') && states.includes('routed')
          ? true
          : undefined;
      },
      30_000,
      20,
    );
    await runtime.kill();
    const before = applied.length;
    expect(before).toBeLessThan(COUNT);

    runtime = await startRuntime({ dataDir, env });
    call = api(runtime);
    await eventually(async () => (applied.length >= COUNT ? true : undefined), 60_000, 200);
    await new Promise((r) => setTimeout(r, 2000));
    expect([...applied].sort((a, b) => a - b)).toEqual(
      Array.from({ length: COUNT }, (_, i) => i + 1),
    );
    const after = await records();
    expect(after.body.records.every((r: { state: string }) => r.state === 'routed')).toBe(true);
  }, 120_000);
});
