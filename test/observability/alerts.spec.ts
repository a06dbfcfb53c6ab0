import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, makeTenant, publish } from '../support/api.js';
import type { Call, TenantSetup } from '../support/api.js';
import { startFakePartner } from '../support/fake-partner.js';
import type { FakePartner } from '../support/fake-partner.js';
import { eventually, startRuntime } from '../support/runtime.js';
import type { RuntimeProcess } from '../support/runtime.js';
import { sample, scrape, settledEvent, shapeAnswer, shapeConnector } from './support.js';

const ALERT_SECRET = `whsec_${Buffer.from('alert-signing-secret-0123456789').toString('base64')}`;

interface Notification {
  headers: Record<string, string | string[] | undefined>;
  raw: string;
  body: { type: string; data: { rule: string; state: string; id: string } };
}

let runtime: RuntimeProcess;
let partner: FakePartner;
let receiver: Server;
const notifications: Notification[] = [];
let call: Call;
let t: Omit<TenantSetup, 'definition'>;
let other: Omit<TenantSetup, 'definition'>;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      notifications.push({
        headers: req.headers,
        raw,
        body: JSON.parse(raw) as Notification['body'],
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()));
  const address = receiver.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  partner = await startFakePartner();
  partner.script(shapeAnswer);
  runtime = await startRuntime({
    env: {
      PLUGBOARD_ALERT_INTERVAL_MS: '500',
      PLUGBOARD_ALERT_WEBHOOK_URL: `http://127.0.0.1:${port}/alerts`,
      PLUGBOARD_ALERT_WEBHOOK_SECRET: ALERT_SECRET,
    },
  });
  call = api(runtime);
  await publish(call, shapeConnector(partner.url));
  t = await makeTenant(call, 'alerts-a', 'shape');
  other = await makeTenant(call, 'alerts-b', 'shape');
});

afterAll(async () => {
  await runtime?.stop();
  await partner?.close();
  await new Promise<void>((resolve) => receiver?.close(() => resolve()));
});

const invoke = (text: string) =>
  call('post', `/v1/installations/${t.installationId}/actions/get`, t.key).send({ text });

async function alerts(key: string, rule?: string) {
  const res = await call('get', '/v1/alerts', key).expect(200);
  const list = res.body.alerts as Array<Record<string, unknown>>;
  return rule ? list.filter((a) => a.rule === rule) : list;
}

describe('alerts', () => {
  it('raises no alert for a single transient failure', async () => {
    partner.answerNext(1, { status: 503 });
    const accepted = await call('post', `/v1/installations/${t.installationId}/events`, t.key)
      .send({ action: 'get', data: { text: 'flaky' } })
      .expect(202);
    const event = await settledEvent(call, t.key, accepted.body.events[0].eventId);
    expect(event.state).toBe('succeeded');
    expect(
      partner.requests.filter((r) => (r.body as { text?: string } | null)?.text === 'flaky'),
    ).toHaveLength(2);
    // Several evaluations pass.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await alerts(t.key)).toEqual([]);
  });

  it('fires a schema-mismatch alert within a minute of the first mismatching output and resolves it after good outputs', async () => {
    const bad = await invoke('bad').expect(200);
    expect(bad.body.output).toEqual({ name: 'no id here' });
    const firedAt = Date.now();
    const [firing] = await eventually(
      async () => {
        const found = await alerts(t.key, 'schema-mismatch');
        return found.some((a) => a.state === 'firing') ? found : undefined;
      },
      60_000,
      200,
    );
    expect(Date.now() - firedAt).toBeLessThan(60_000);
    expect(firing).toMatchObject({
      rule: 'schema-mismatch',
      state: 'firing',
      severity: 'warning',
      installationId: t.installationId,
      key: `${t.installationId}/get`,
      runbook: 'docs/runbooks/schema-mismatch.md',
      resolvedAt: null,
    });
    expect(Date.parse(String(firing!.since))).toBeGreaterThanOrEqual(firedAt - 1000);
    expect(
      sample(await scrape(call), 'plugboard_output_schema_mismatches_total', {
        connector: 'shape',
        action: 'get',
      }),
    ).toBe(1);
    expect(sample(await scrape(call), 'plugboard_alerts_firing', { rule: 'schema-mismatch' })).toBe(
      1,
    );

    // The run says which output failed and where.
    const trace = await call('get', `/v1/trace/${bad.headers['x-correlation-id']}`, t.key).expect(
      200,
    );
    expect(trace.body.runs[0].outputMismatches[0].issues[0]).toMatchObject({ pointer: '/id' });

    // Another tenant sees none of it.
    expect(await alerts(other.key)).toEqual([]);

    // Still firing after one clean output; resolved after enough of them.
    await invoke('good-1').expect(200);
    await new Promise((r) => setTimeout(r, 1200));
    expect((await alerts(t.key, 'schema-mismatch'))[0]!.state).toBe('firing');
    await invoke('good-2').expect(200);
    await invoke('good-3').expect(200);
    const [resolved] = await eventually(
      async () => {
        const found = await alerts(t.key, 'schema-mismatch');
        return found[0]?.state === 'resolved' ? found : undefined;
      },
      20_000,
      200,
    );
    expect(resolved).toMatchObject({ id: firing!.id, since: firing!.since });
    expect(Date.parse(String(resolved!.resolvedAt))).toBeGreaterThan(
      Date.parse(String(firing!.since)),
    );
    expect(await alerts(t.key, 'schema-mismatch')).toHaveLength(1);
    const firingOnly = await call('get', '/v1/alerts?state=firing', t.key).expect(200);
    expect(firingOnly.body.alerts).toEqual([]);
  });

  it('notified both changes with Standard Webhooks signatures', async () => {
    const seen = await eventually(
      async () => (notifications.length >= 2 ? notifications : undefined),
      10_000,
    );
    expect(seen.map((n) => n.body.type)).toEqual(['alert.firing', 'alert.resolved']);
    const key = Buffer.from(ALERT_SECRET.slice('whsec_'.length), 'base64');
    for (const n of seen) {
      const id = String(n.headers['webhook-id']);
      const timestamp = String(n.headers['webhook-timestamp']);
      expect(Math.abs(Date.now() / 1000 - Number(timestamp))).toBeLessThan(120);
      const expected = createHmac('sha256', key)
        .update(`${id}.${timestamp}.${n.raw}`)
        .digest('base64');
      expect(String(n.headers['webhook-signature']).split(' ')).toContain(`v1,${expected}`);
      expect(n.body.data.rule).toBe('schema-mismatch');
    }
    expect(new Set(seen.map((n) => n.headers['webhook-id'])).size).toBe(2);
  });
});
