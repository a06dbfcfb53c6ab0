// The observability module on PostgreSQL with a separate worker process: the same trace and health
// from the API, the worker's own counters on its metrics port, mismatch alerts across processes.
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, makeTenant, publish, standardSetup } from '../support/api.js';
import type { Call, TenantSetup } from '../support/api.js';
import { startFakePartner } from '../support/fake-partner.js';
import type { FakePartner } from '../support/fake-partner.js';
import { eventually, freePort, startRuntime } from '../support/runtime.js';
import type { RuntimeProcess } from '../support/runtime.js';
import { REDIS_URL, freshDatabase, requirePostgres, requireRedis } from '../support/services.js';
import { sample, settledEvent, shapeAnswer, shapeConnector } from './support.js';

const servicesUp = (await requirePostgres()) && (await requireRedis());

describe.skipIf(!servicesUp)('observability in cluster mode', () => {
  let database: ReturnType<typeof freshDatabase>;
  let partner: FakePartner;
  let apiProcess: RuntimeProcess;
  let worker: RuntimeProcess;
  let secondApi: RuntimeProcess;
  let metricsPort: number;
  let call: Call;
  let t: TenantSetup;

  beforeAll(async () => {
    database = freshDatabase();
    partner = await startFakePartner();
    const env = {
      PLUGBOARD_MODE: 'cluster',
      DATABASE_URL: database.url,
      REDIS_URL,
      PLUGBOARD_QUEUE_PREFIX: `pb-obs-${randomBytes(4).toString('hex')}`,
      PLUGBOARD_MASTER_KEY: randomBytes(32).toString('hex'),
      PLUGBOARD_SWEEP_INTERVAL_MS: '300',
      PLUGBOARD_ALERT_INTERVAL_MS: '500',
    };
    apiProcess = await startRuntime({ env });
    metricsPort = await freePort();
    worker = await startRuntime({
      args: ['worker'],
      env: { ...env, PLUGBOARD_WORKER_METRICS_PORT: String(metricsPort) },
    });
    // A second API process evaluates alerts too, unless the evaluator lease stops it.
    secondApi = await startRuntime({ env });
    call = api(apiProcess);
    t = await standardSetup(call, partner.url, 'obs-cluster');
  });

  afterAll(async () => {
    await worker?.stop();
    await secondApi?.stop();
    await apiProcess?.stop();
    await partner?.close();
    database?.drop();
  });

  it('traces the attempts a worker made and serves the worker’s counters behind the admin key', async () => {
    partner.answerNext(2, { status: 502 });
    const accepted = await call('post', `/v1/installations/${t.installationId}/events`, t.key)
      .set('x-correlation-id', 'corr-cluster-1')
      .set('idempotency-key', 'cluster-key-1')
      .send({ action: 'send', data: { text: 'via worker' } })
      .expect(202);
    const event = await settledEvent(call, t.key, accepted.body.events[0].eventId);
    expect(event.state).toBe('succeeded');
    const trace = await call('get', '/v1/trace?idempotencyKey=cluster-key-1', t.key).expect(200);
    const calls = trace.body.records[0].partnerCalls as Array<{ status: number }>;
    expect(calls.map((c) => c.status)).toEqual([502, 502, 200]);
    expect(trace.body.records[0].attempts[0].worker).toMatch(/:\d+:/);
    for (const r of partner.requests) expect(r.headers['x-correlation-id']).toBe('corr-cluster-1');

    const workerMetrics = request(`http://127.0.0.1:${metricsPort}`);
    await workerMetrics.get('/metrics').expect(401);
    await workerMetrics.get('/metrics').set('authorization', `Bearer ${t.key}`).expect(403);
    const text = (
      await workerMetrics.get('/metrics').set('authorization', `Bearer ${apiProcess.adminKey}`)
    ).text;
    const labels = { connector: 'acme', action: 'send' };
    expect(
      sample(text, 'plugboard_partner_calls_total', {
        connector: 'acme',
        outcome: 'transient',
        status: '5xx',
      }),
    ).toBe(2);
    expect(sample(text, 'plugboard_item_outcomes_total', { ...labels, outcome: 'success' })).toBe(
      1,
    );
    const retries =
      (sample(text, 'plugboard_retries_total', { connector: 'acme', reason: 'redelivery' }) ?? 0) +
      (sample(text, 'plugboard_retries_total', { connector: 'acme', reason: 'partner' }) ?? 0);
    expect(retries).toBe(2);

    const health = await call('get', `/v1/installations/${t.installationId}/health`, t.key).expect(
      200,
    );
    expect(health.body).toMatchObject({ successRate: { '1h': 1 }, queue: { depth: 0 } });
    expect(health.body.deliveryLatencyMs.samples).toBe(1);
  });

  it('raises a schema-mismatch alert in the API process for an output the worker saw', async () => {
    await publish(call, shapeConnector(partner.url));
    const shaped = await makeTenant(call, 'obs-cluster-shape', 'shape');
    partner.script(shapeAnswer);
    const accepted = await call(
      'post',
      `/v1/installations/${shaped.installationId}/events`,
      shaped.key,
    )
      .send({ action: 'get', data: { text: 'bad' } })
      .expect(202);
    const event = await settledEvent(call, shaped.key, accepted.body.events[0].eventId);
    expect(event.state).toBe('succeeded');
    const firing = await eventually(
      async () => {
        const res = await call('get', '/v1/alerts?state=firing', shaped.key).expect(200);
        const found = (res.body.alerts as Array<{ rule: string }>).filter(
          (a) => a.rule === 'schema-mismatch',
        );
        return found.length > 0 ? found : undefined;
      },
      30_000,
      250,
    );
    expect(firing[0]).toMatchObject({ key: `${shaped.installationId}/get`, state: 'firing' });
    // Several evaluations by two API processes later, still one episode.
    await new Promise((r) => setTimeout(r, 2000));
    const again = await api(secondApi)('get', '/v1/alerts', shaped.key).expect(200);
    expect(again.body.alerts).toHaveLength(1);
  });
});
