// Slack's Events API handshake through the runtime: the shipped Slack connector's `messages`
// trigger answers a signed url_verification with its challenge, stores nothing for it, refuses
// an unsigned one, and still turns a signed event_callback into a record.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, TENANT_SCOPES } from '../support/api.js';
import type { Call } from '../support/api.js';
import { startRuntime } from '../support/runtime.js';
import type { RuntimeProcess } from '../support/runtime.js';

const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
let runtime: RuntimeProcess;
let call: Call;
let installationId: string;
let key: string;

/** Slack's request signing: `v0=` + HMAC-SHA256 hex of `v0:<timestamp>:<raw body>`. */
function slackHeaders(body: string, secret = SIGNING_SECRET, at = Math.floor(Date.now() / 1000)) {
  const signature = createHmac('sha256', secret).update(`v0:${at}:${body}`).digest('hex');
  return {
    'content-type': 'application/json',
    'x-slack-request-timestamp': String(at),
    'x-slack-signature': `v0=${signature}`,
  };
}

beforeAll(async () => {
  runtime = await startRuntime({ env: { PLUGBOARD_PUBLISH_BUNDLED: '1' } });
  call = api(runtime);
  const tenant = await call('post', '/v1/tenants').send({ name: 'slack-events' }).expect(201);
  const tenantKey = await call('post', '/v1/api-keys')
    .send({ tenantId: tenant.body.id, scopes: TENANT_SCOPES })
    .expect(201);
  key = tenantKey.body.key as string;
  const installation = await call('post', '/v1/installations', key)
    .send({
      connectorId: 'slack',
      config: {},
      credentials: { token: 'xoxb-challenge-test-token', signingSecret: SIGNING_SECRET },
    })
    .expect(201);
  installationId = installation.body.id as string;
}, 60_000);

afterAll(async () => {
  await runtime?.stop();
});

describe('Slack url_verification', () => {
  const hook = () => `/hooks/${installationId}/messages`;

  it('answers a signed handshake with its challenge and keeps no record of it', async () => {
    const body = JSON.stringify({
      token: 'Jhj5dZrVaK7ZwHHjRyZWjbDl',
      challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
      type: 'url_verification',
    });
    const res = await call('post', hook(), '').set(slackHeaders(body)).send(body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
    const records = await call(
      'get',
      `/v1/installations/${installationId}/triggers/messages/records`,
      key,
    ).expect(200);
    expect(JSON.stringify(records.body)).not.toContain('url_verification');
  });

  it('refuses a handshake whose signature does not match, before answering it', async () => {
    const body = JSON.stringify({ challenge: 'forged', type: 'url_verification' });
    const res = await call('post', hook(), '')
      .set(slackHeaders(body, 'not-the-signing-secret'))
      .send(body);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('WEBHOOK_SIGNATURE_INVALID');
    expect(JSON.stringify(res.body)).not.toContain('forged');
  });

  it('still accepts a signed event_callback as a record', async () => {
    const body = JSON.stringify({
      type: 'event_callback',
      team_id: 'T061EG9R6',
      event_id: 'Ev0PV52K21',
      event_time: 1_764_806_400,
      event: {
        type: 'message',
        channel: 'C2147483705',
        user: 'U2147483697',
        text: 'Hello',
        ts: '1355517523.000005',
      },
    });
    const res = await call('post', hook(), '').set(slackHeaders(body)).send(body);
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('accepted');
  });
});
