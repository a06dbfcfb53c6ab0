import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, publish } from '../support/api.js';
import type { Call } from '../support/api.js';
import { makeConnector } from '../support/factories.js';
import { startFakePartner } from '../support/fake-partner.js';
import type { FakePartner } from '../support/fake-partner.js';
import { startRuntime } from '../support/runtime.js';
import type { RuntimeProcess } from '../support/runtime.js';
import { settledEvent } from './support.js';

// Secrets planted everywhere a runtime handles one; none may reach any log line.
const TOKEN = 'tok-PLANTED-bearer-7f3a9c01';
const ROTATED = 'tok-PLANTED-rotated-5d2e8b44';
const WEBHOOK_SECRET = 'whs-PLANTED-webhook-91c4e6';
const ALERT_SECRET = `whsec_${Buffer.from('PLANTED-alert-secret-0042').toString('base64')}`;
const PAYLOAD_MARKER = 'payload-marker-body-3b71';
const SENSITIVE = 'ssn-PLANTED-078-05-1120';

/** A connector whose own code logs its whole input, one field of which is marked sensitive. */
function vaultConnector(partnerUrl: string) {
  const base = makeConnector(partnerUrl);
  return {
    ...base,
    id: 'vault',
    name: 'Vault',
    triggers: {},
    actions: {
      store: {
        title: 'Store',
        description: 'Stores a person record.',
        urgency: 'realtime',
        input: {
          type: 'object',
          additionalProperties: false,
          required: ['ssn'],
          properties: { ssn: { type: 'string', sensitive: true }, note: { type: 'string' } },
        },
        output: { type: 'object', additionalProperties: true },
        flow: {
          nodes: [
            {
              id: 'remember',
              type: 'code',
              source:
                "ctx.log('info', 'storing a person', { input: ctx.input }); return { stored: true };",
            },
            { id: 'done', type: 'output', value: 'steps.remember' },
          ],
          edges: [{ from: 'remember', to: 'done' }],
        },
      },
    },
  };
}

let runtime: RuntimeProcess;
let partner: FakePartner;
let call: Call;
let tenantKey = '';
let installationId = '';
let tenantId = '';

beforeAll(async () => {
  partner = await startFakePartner();
  // A partner that echoes the credential it received, and quotes it in an error: the secret then
  // travels inside outputs and error messages, not only under an `authorization` key.
  partner.script((request) => {
    const auth = String(request.headers.authorization ?? '');
    const text = (request.body as { text?: string } | null)?.text;
    if (text === 'refuse')
      return { status: 400, body: { error: `bad request for credential ${auth}` } };
    if (request.path === '/messages')
      return { status: 200, body: { ok: true, youSent: auth, text } };
    return undefined;
  });
  runtime = await startRuntime({
    env: {
      PLUGBOARD_ALERT_INTERVAL_MS: '300',
      PLUGBOARD_ALERT_WEBHOOK_URL: 'http://127.0.0.1:9/unreachable',
      PLUGBOARD_ALERT_WEBHOOK_SECRET: ALERT_SECRET,
    },
  });
  call = api(runtime);
  await publish(call, makeConnector(partner.url));
  await publish(call, vaultConnector(partner.url));
});

afterAll(async () => {
  await runtime?.stop();
  await partner?.close();
});

describe('logs', () => {
  it('exercise every path that touches a secret', async () => {
    const tenant = await call('post', '/v1/tenants').send({ name: 'logs' }).expect(201);
    tenantId = tenant.body.id;
    const key = await call('post', '/v1/api-keys')
      .send({
        tenantId,
        scopes: [
          'installations:write',
          'installations:read',
          'actions:invoke',
          'events:write',
          'runs:read',
        ],
      })
      .expect(201);
    tenantKey = key.body.key;
    const refused = await call('post', '/v1/installations', tenantKey)
      .send({ connectorId: 'acme', config: { region: 'mars' }, credentials: { token: TOKEN } })
      .expect(422);
    expect(JSON.stringify(refused.body)).not.toContain(TOKEN);
    const installation = await call('post', '/v1/installations', tenantKey)
      .send({
        connectorId: 'acme',
        config: { region: 'eu' },
        credentials: { token: TOKEN, webhookSecret: WEBHOOK_SECRET },
      })
      .expect(201);
    installationId = installation.body.id;

    const sync = await call('post', `/v1/installations/${installationId}/actions/send`, tenantKey)
      .set('x-correlation-id', 'corr-logs-sync')
      .send({ text: PAYLOAD_MARKER })
      .expect(200);
    // The engine masks credentials even in what the partner echoes back.
    expect(sync.body.output.youSent).toMatch(/^Bearer /);
    expect(JSON.stringify(sync.body)).not.toContain(TOKEN);
    const failing = await call(
      'post',
      `/v1/installations/${installationId}/actions/send`,
      tenantKey,
    ).send({ text: 'refuse' });
    expect(failing.status).toBeGreaterThanOrEqual(400);

    const accepted = await call('post', `/v1/installations/${installationId}/events`, tenantKey)
      .send({ action: 'send', data: { text: `${PAYLOAD_MARKER}-event` } })
      .expect(202);
    await settledEvent(call, tenantKey, accepted.body.events[0].eventId);

    const body = JSON.stringify({ action: 'opened', marker: PAYLOAD_MARKER });
    const signature = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`;
    const hook = (sig: string) =>
      call('post', `/hooks/${installationId}/issue`, '')
        .set('content-type', 'application/json')
        .set('x-signature', sig)
        .set('x-delivery', `d-${sig.length}-${Date.now()}`)
        .send(body);
    expect((await hook(signature)).status).toBe(202);
    expect((await hook(`sha256=${'0'.repeat(64)}`)).status).toBe(401);

    await call('patch', `/v1/installations/${installationId}`, tenantKey)
      .send({ credentials: { token: ROTATED, webhookSecret: WEBHOOK_SECRET } })
      .expect(200);
    await call('post', `/v1/installations/${installationId}/actions/send`, tenantKey)
      .set('authorization', `Bearer ${tenantKey}`)
      .send({ text: 'after rotation' })
      .expect(200);
    const vault = await call('post', '/v1/installations', tenantKey)
      .send({ connectorId: 'vault', config: { region: 'eu' }, credentials: { token: TOKEN } })
      .expect(201);
    await call('post', `/v1/installations/${vault.body.id}/actions/store`, tenantKey)
      .send({ ssn: SENSITIVE, note: 'plain note' })
      .expect(200);
    await runtime.waitForLog(/storing a person/);
    // Give the alert scheduler and its (unreachable) notifier a few turns.
    await new Promise((r) => setTimeout(r, 1000));
  });

  it('writes one JSON line per request and per attempt with the correlation, tenant, installation, connector and run ids', () => {
    const lines = runtime.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
    const requests = lines.filter((l) => l.msg === 'request');
    expect(requests.length).toBeGreaterThan(8);
    for (const r of requests) expect(r.correlationId).toEqual(expect.any(String));
    const syncRequest = requests.find((r) => r.correlationId === 'corr-logs-sync')!;
    expect(syncRequest).toMatchObject({
      route: '/v1/installations/:id/actions/:action',
      installationId,
      tenantId,
      status: 200,
    });
    const attempts = lines.filter(
      (l) => l.msg === 'run finished' && l.installationId === installationId,
    );
    expect(attempts.length).toBeGreaterThanOrEqual(4);
    for (const a of attempts) {
      expect(a).toMatchObject({
        tenantId,
        installationId,
        connector: 'acme@1.0.0',
        correlationId: expect.any(String),
        runId: expect.stringMatching(/^run_/),
      });
    }
    expect(attempts.find((a) => a.correlationId === 'corr-logs-sync')).toMatchObject({
      status: 'succeeded',
      partnerStatus: 200,
    });
  });

  it('never writes a secret or, at info level, a payload body', async () => {
    await runtime.stop();
    const secrets = [
      TOKEN,
      ROTATED,
      WEBHOOK_SECRET,
      ALERT_SECRET,
      SENSITIVE,
      tenantKey,
      runtime.adminKey,
    ];
    // The connector's own line is there, with its non-sensitive field intact.
    const own = runtime.logs.find((l) => l.includes('storing a person'))!;
    expect(own).toContain('plain note');
    // ...and it carries the run's ids although the connector's code never named them.
    expect(JSON.parse(own)).toMatchObject({
      runId: expect.stringMatching(/^run_/),
      correlationId: expect.any(String),
      connector: 'vault@1.0.0',
    });
    expect(runtime.logs.length).toBeGreaterThan(20);
    for (const line of runtime.logs) {
      for (const secret of secrets) expect(line).not.toContain(secret);
      expect(line).not.toContain(PAYLOAD_MARKER);
    }
  });
});
