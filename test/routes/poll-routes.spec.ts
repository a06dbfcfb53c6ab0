import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TENANT_SCOPES, api, publish } from '../support/api.js';
import type { Call } from '../support/api.js';
import { makeConnector } from '../support/factories.js';
import { startFakePartner } from '../support/fake-partner.js';
import type { FakePartner } from '../support/fake-partner.js';
import { eventually, startRuntime } from '../support/runtime.js';
import type { RuntimeProcess } from '../support/runtime.js';
import { feedConnector } from './route-fixtures.js';

let feed: FakePartner;
let target: FakePartner;
let runtime: RuntimeProcess;
let call: Call;
let failing = false;
const items: Array<{ id: number; title: string }> = [];
const dataDir = mkdtempSync(join(tmpdir(), 'plugboard-poll-'));
let t: { key: string; feed: string; acme: string };

const addItems = (...ids: number[]) =>
  items.push(...ids.map((id) => ({ id, title: `item ${id}` })));
const sent = () =>
  target.requests.filter((r) => r.path === '/messages').map((r) => (r.body as { n: number }).n);
const listRequests = () => feed.requests.filter((r) => r.path === '/items');
const triggers = async () =>
  (await call('get', `/v1/installations/${t.feed}/triggers`, t.key).expect(200)).body
    .triggers[0] as {
    name: string;
    kind: string;
    poll: {
      status: string;
      cursor: unknown;
      failures: number;
      lastError: { code: string } | null;
      lastPolledAt: string;
      nextPollAt: string;
      recordsTotal: number;
    };
  };

function countsOf(values: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

beforeAll(async () => {
  feed = await startFakePartner();
  feed.script((request) => {
    if (request.path !== '/items') return undefined;
    if (failing) return { status: 500, body: { error: 'database unavailable' } };
    const after = Number(request.query.after ?? 0);
    const limit = Number(request.query.limit ?? 100);
    const rest = items.filter((i) => i.id >= after);
    const page = rest.slice(0, limit);
    const next = rest.length > page.length ? String(page[page.length - 1]!.id + 1) : null;
    return { status: 200, body: { items: page, next } };
  });
  target = await startFakePartner();
  runtime = await startRuntime({ dataDir });
  call = api(runtime);
  await publish(call, feedConnector(feed.url));
  await publish(call, makeConnector(target.url));
  const tenant = await call('post', '/v1/tenants').send({ name: 'poller' }).expect(201);
  const key = await call('post', '/v1/api-keys')
    .send({ tenantId: tenant.body.id, scopes: TENANT_SCOPES })
    .expect(201);
  const feedInstall = await call('post', '/v1/installations', key.body.key)
    .send({ connectorId: 'feed', credentials: { token: 'feed-token' } })
    .expect(201);
  const acme = await call('post', '/v1/installations', key.body.key)
    .send({ connectorId: 'acme', config: { region: 'eu' }, credentials: { token: 'acme-token' } })
    .expect(201);
  t = { key: key.body.key, feed: feedInstall.body.id, acme: acme.body.id };
});

afterAll(async () => {
  await runtime?.stop();
  await feed?.close();
  await target?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function arrived(ids: number[]) {
  await eventually(async () => (ids.every((id) => sent().includes(id)) ? true : undefined), 20_000);
  // One more poll interval, so that a duplicate would have shown up.
  await new Promise((r) => setTimeout(r, 1500));
}

describe('poll triggers into routes', () => {
  it('polls with cursor pagination, delivers records created between polls once, and keeps the cursor across a restart', async () => {
    addItems(1, 2, 3, 4, 5);
    const route = await call('post', '/v1/routes', t.key).send({
      name: 'feed to acme',
      source: { installationId: t.feed, trigger: 'items' },
      target: { installationId: t.acme, action: 'send' },
      mapping: "{ 'text': title, 'n': id }",
    });
    expect(route.status, JSON.stringify(route.body)).toBe(201);
    expect(route.body.source.kind).toBe('poll');
    // The dry run used the Item schema's example.
    expect(route.body.dryRun).toEqual([
      { example: 0, passed: true, input: { text: 'first', n: 1 } },
    ]);

    await arrived([1, 2, 3, 4, 5]);
    // Five items in pages of two: the first poll followed the cursor over three pages.
    expect(
      listRequests()
        .slice(0, 3)
        .map((r) => r.query.after),
    ).toEqual(['0', '3', '5']);
    addItems(6, 7, 8);
    await arrived([6, 7, 8]);
    expect(countsOf(sent())).toEqual(
      Object.fromEntries([1, 2, 3, 4, 5, 6, 7, 8].map((n) => [n, 1])),
    );
    const state = await triggers();
    expect(state).toMatchObject({ name: 'items', kind: 'poll' });
    expect(state.poll).toMatchObject({ cursor: 8, failures: 0, recordsTotal: 8 });
    // Every record of a poll carries the poll's correlation id, and so do the runs it caused.
    const records = await call(
      'get',
      `/v1/installations/${t.feed}/triggers/items/records`,
      t.key,
    ).expect(200);
    expect(records.body.records).toHaveLength(8);
    const newest = records.body.records[0];
    expect(newest).toMatchObject({ recordKey: 'id:8', state: 'routed', data: { id: 8 } });
    const runs = await call('get', `/v1/runs?correlationId=${newest.correlationId}`, t.key).expect(
      200,
    );
    expect(runs.body.runs.length).toBeGreaterThan(0);
    expect(runs.body.runs[0]).toMatchObject({ installationId: t.acme, action: 'send' });

    await runtime.stop();
    addItems(9, 10);
    const before = listRequests().length;
    runtime = await startRuntime({ dataDir });
    call = api(runtime);
    await arrived([9, 10]);
    // The first poll after the restart starts from the stored cursor, not from the initial one.
    expect(listRequests()[before]!.query.after).toBe('8');
    expect(countsOf(sent())).toEqual(
      Object.fromEntries([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => [n, 1])),
    );
  });

  it('backs off a failing poll exponentially, shows it, and catches up once the partner is back', async () => {
    failing = true;
    const seen = new Map<number, { lastPolledAt: number; nextPollAt: number; code?: string }>();
    await eventually(
      async () => {
        const { poll } = await triggers();
        if (poll.failures > 0 && !seen.has(poll.failures) && poll.status === 'backoff')
          seen.set(poll.failures, {
            lastPolledAt: Date.parse(poll.lastPolledAt),
            nextPollAt: Date.parse(poll.nextPollAt),
            code: poll.lastError?.code,
          });
        return poll.failures >= 3 ? true : undefined;
      },
      30_000,
      50,
    );
    const third = seen.get(3)!;
    const first = [...seen.entries()].sort((a, b) => a[0] - b[0])[0]![1];
    expect(third.code).toBeTruthy();
    // Failure n waits at least interval * 2^(n-1) / 2: 2 s after the third, against 1 s when healthy.
    expect(third.nextPollAt - third.lastPolledAt).toBeGreaterThanOrEqual(2000);
    expect(third.nextPollAt - third.lastPolledAt).toBeGreaterThan(
      first.nextPollAt - first.lastPolledAt,
    );

    addItems(11);
    failing = false;
    await arrived([11]);
    const { poll } = await triggers();
    expect(poll).toMatchObject({ failures: 0, lastError: null, cursor: 11 });
    expect(countsOf(sent())[11]).toBe(1);
  });
});
