// Connectors with declared limits and a partner that keeps its own books, for the policy specs.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import type { Call } from '../support/api.js';
import { api, makeTenant, publish } from '../support/api.js';
import { makeConnector } from '../support/factories.js';
import type { Definition } from '../support/factories.js';
import { startFakePartner } from '../support/fake-partner.js';
import type { FakePartner, RecordedRequest } from '../support/fake-partner.js';
import { eventually, startRuntime } from '../support/runtime.js';
import type { RuntimeProcess } from '../support/runtime.js';
import { REDIS_URL } from '../support/services.js';

export interface Harness {
  runtime: RuntimeProcess;
  partner: FakePartner;
  call: Call;
}

/** One embedded runtime and one fake partner for a spec file, started before its tests. */
export function useRuntimeAndPartner(env: Record<string, string>): Harness {
  const harness = {} as Harness;
  beforeAll(async () => {
    harness.partner = await startFakePartner();
    harness.runtime = await startRuntime({ env });
    harness.call = api(harness.runtime);
  });
  afterAll(async () => {
    await harness.runtime?.stop();
    await harness.partner?.close();
  });
  return harness;
}

/** Environment of cluster-mode processes sharing one database and Redis (fresh queue names). */
export function clusterEnv(databaseUrl: string): Record<string, string> {
  return {
    PLUGBOARD_MODE: 'cluster',
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    PLUGBOARD_QUEUE_PREFIX: `pb-pol-${randomBytes(4).toString('hex')}`,
    PLUGBOARD_MASTER_KEY: randomBytes(32).toString('hex'),
    PLUGBOARD_SWEEP_INTERVAL_MS: '300',
  };
}

/** A realtime `send` connector (POST /<id>/messages) with the given `limits`. */
export function limitedConnector(
  partnerUrl: string,
  id: string,
  limits: Record<string, unknown>,
): Definition {
  const base = makeConnector(partnerUrl, { id, name: id, limits });
  const actions = base.actions as Record<
    string,
    { flow: { nodes: Array<Record<string, unknown>> } }
  >;
  actions.send!.flow.nodes[0]!.path = `/${id}/messages`;
  actions.import!.flow.nodes[0]!.path = `/${id}/import`;
  return base;
}

export async function installConnector(
  call: Call,
  definition: Definition,
  tenant: string,
): Promise<{ tenantId: string; key: string; installationId: string }> {
  await publish(call, definition);
  return makeTenant(call, tenant, definition.id);
}

/** The most requests the partner saw in any window of `windowMs` that starts at a request. */
export function busiestWindow(requests: RecordedRequest[], windowMs = 1000): number {
  const times = requests.map((r) => r.at).sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

/**
 * Makes the partner enforce `requests` per `perMs` on one path prefix, like a real API: over the
 * limit it answers 429 (and counts it), whatever the caller promised.
 */
export function enforceLimit(
  partner: FakePartner,
  prefix: string,
  requests: number,
  perMs: number,
): { refused: number } {
  const books = { refused: 0 };
  const accepted: number[] = [];
  partner.script((request) => {
    if (!request.path.startsWith(prefix)) return undefined;
    while (accepted.length > 0 && request.at - accepted[0]! >= perMs) accepted.shift();
    if (accepted.length >= requests) {
      books.refused += 1;
      return { status: 429, headers: { 'retry-after': '1' }, body: { error: 'rate limited' } };
    }
    accepted.push(request.at);
    return undefined;
  });
  return books;
}

export const on = (partner: FakePartner, prefix: string) =>
  partner.requests.filter((r) => r.path.startsWith(prefix));

export interface EventBody {
  id: string;
  state: string;
  attempts: Array<{
    attempt: number;
    status: string;
    worker: string;
    batchId: string | null;
    error: { code: string } | null;
  }>;
  error: { code: string } | null;
  lastRunId: string;
  createdAt: string;
  updatedAt: string;
}

/** Posts events as one list and returns their ids in order. */
export async function postEvents(
  call: Call,
  key: string,
  installationId: string,
  events: Array<{ action: string; data: unknown }>,
): Promise<string[]> {
  const batch = Math.random().toString(36).slice(2, 10);
  const res = await call('post', `/v1/installations/${installationId}/events`, key).send({
    events: events.map((e, i) => ({ id: `${batch}-${i}`, ...e })),
  });
  if (res.status !== 202)
    throw new Error(`intake answered ${res.status}: ${JSON.stringify(res.body)}`);
  return (res.body.events as Array<{ eventId: string }>).map((e) => e.eventId);
}

/** Waits until every event is in a final state and returns them. */
export async function allSettled(
  call: Call,
  key: string,
  ids: string[],
  timeoutMs = 30_000,
): Promise<EventBody[]> {
  const done = new Map<string, EventBody>();
  return eventually(
    async () => {
      for (const id of ids) {
        if (done.has(id)) continue;
        const res = await call('get', `/v1/events/${id}`, key);
        if (['succeeded', 'failed', 'dead'].includes(res.body.state))
          done.set(id, res.body as EventBody);
      }
      return done.size === ids.length ? ids.map((id) => done.get(id)!) : undefined;
    },
    timeoutMs,
    250,
  );
}
