import { describe, expect, it } from 'vitest';
import { makeTenant, publish } from '../support/api.js';
import { eventually } from '../support/runtime.js';
import type { Call } from '../support/api.js';
import { put, v1, v11, world } from './helpers.js';

const w = world();
const call: Call = (...args) => w.call(...args);

describe('deprecation and sunset', () => {
  it('answers calls on a deprecated version with Deprecation and Sunset, warns, then refuses after the sunset naming the version to move to', async () => {
    await publish(w.call, v1(w.partner.url, 'old'));
    await put(w, '/v1/connectors/old/rollout-policy').send({ policy: 'manual' }).expect(200);
    const { installationId, key } = await makeTenant(call, 'old-tenant', 'old');
    await publish(w.call, v11(w.partner.url, 'old'));
    const current = await call('post', '/v1/installations', key)
      .send({ connectorId: 'old', config: { region: 'eu' }, credentials: { token: 't' } })
      .expect(201);
    expect(current.body.version).toBe('1.1.0');

    await call('post', '/v1/connectors/old/versions/1.0.0/deprecate')
      .send({ message: 'Move to 1.1.0.', sunset: '2099-01-01' })
      .expect(201);
    const invoked = await call('post', `/v1/installations/${installationId}/actions/send`, key)
      .send({ text: 'still here' })
      .expect(200);
    expect(invoked.headers.deprecation).toMatch(/^@\d+$/);
    expect(invoked.headers.sunset).toBe('Thu, 01 Jan 2099 00:00:00 GMT');
    const event = await call('post', `/v1/installations/${installationId}/events`, key)
      .send({ action: 'send', data: { text: 'queued' } })
      .expect(202);
    expect(event.headers.deprecation).toMatch(/^@\d+$/);
    expect(event.headers.sunset).toBe('Thu, 01 Jan 2099 00:00:00 GMT');
    // Accepted before the sunset, so it is delivered: wait for it, so that the partner's count
    // below only sees what the refusals let through.
    await eventually(async () => {
      const res = await call('get', `/v1/events/${event.body.events[0].eventId}`, key);
      return res.body.state === 'succeeded' ? true : undefined;
    });

    const fresh = await call('post', `/v1/installations/${current.body.id}/actions/send`, key)
      .send({ text: 'new' })
      .expect(200);
    expect(fresh.headers.deprecation).toBeUndefined();
    expect(fresh.headers.sunset).toBeUndefined();

    const status = await call('get', `/v1/installations/${installationId}/versioning`, key).expect(
      200,
    );
    expect(status.body.deprecation).toMatchObject({ sunset: '2099-01-01', moveTo: '1.1.0' });
    expect(status.body.warnings[0]).toContain('old@1.0.0 is deprecated');
    const health = await call('get', `/v1/installations/${installationId}/health`, key).expect(200);
    expect(health.body.warnings).toEqual([expect.stringContaining('old@1.0.0 is deprecated')]);

    await call('post', '/v1/connectors/old/versions/1.0.0/deprecate')
      .send({ message: 'Move to 1.1.0.', sunset: '2020-01-01' })
      .expect(201);
    const partnerCalls = w.partner.requests.length;
    const refused = await call(
      'post',
      `/v1/installations/${installationId}/actions/send`,
      key,
    ).send({ text: 'too late' });
    expect(refused.status).toBe(410);
    expect(refused.body.error.code).toBe('CONNECTOR_VERSION_SUNSET');
    expect(refused.body.error.details.moveTo).toBe('1.1.0');
    expect(refused.body.error.message).toContain('"version":"1.1.0"');
    expect(refused.headers.sunset).toBe('Wed, 01 Jan 2020 00:00:00 GMT');
    const refusedEvent = await call('post', `/v1/installations/${installationId}/events`, key).send(
      { action: 'send', data: { text: 'too late' } },
    );
    expect(refusedEvent.status).toBe(410);
    expect(w.partner.requests.length).toBe(partnerCalls);
  });
});

describe('Plugboard-Version negotiation', () => {
  it('shapes the run resource per version, says which it used, and refuses an unknown one with the supported list', async () => {
    await publish(w.call, v1(w.partner.url, 'negotiate'));
    const { installationId, key } = await makeTenant(call, 'negotiate-tenant', 'negotiate');
    const invoked = await call('post', `/v1/installations/${installationId}/actions/send`, key)
      .send({ text: 'hi' })
      .expect(200);
    const runId = invoked.body.runId as string;

    const current = await call('get', `/v1/runs/${runId}`, key).expect(200);
    expect(current.headers['plugboard-version']).toBe('2026-12-01');
    expect(current.body.connectorVersion).toBe('1.0.0');
    expect(current.body).not.toHaveProperty('version');

    const pinned = await call('get', `/v1/runs/${runId}`, key)
      .set('Plugboard-Version', '2026-12-01')
      .expect(200);
    expect(pinned.body).toEqual(current.body);

    const old = await call('get', `/v1/runs/${runId}`, key)
      .set('Plugboard-Version', '2026-06-01')
      .expect(200);
    expect(old.headers['plugboard-version']).toBe('2026-06-01');
    expect(old.body.version).toBe('1.0.0');
    expect(old.body).not.toHaveProperty('connectorVersion');
    expect(old.body.id).toBe(runId);
    const list = await call('get', `/v1/runs?installationId=${installationId}`, key)
      .set('Plugboard-Version', '2026-06-01')
      .expect(200);
    expect(list.body.runs[0]).toMatchObject({ id: runId, version: '1.0.0' });
    expect(list.body.runs[0]).not.toHaveProperty('connectorVersion');

    const unknown = await call('get', `/v1/runs/${runId}`, key).set(
      'Plugboard-Version',
      '2025-01-01',
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('API_VERSION_UNKNOWN');
    expect(unknown.body.error.details.supported).toEqual(['2026-06-01', '2026-12-01']);
    expect(unknown.body.error.message).toContain('2026-06-01, 2026-12-01');

    const missing = await call('get', '/v1/no-such-route', key).set(
      'Plugboard-Version',
      '2026-06-01',
    );
    expect(missing.status).toBe(404);
    expect(missing.headers['plugboard-version']).toBe('2026-06-01');
  });
});
