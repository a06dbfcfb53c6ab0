import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient, PlugboardApiError } from './client.js';
import { fakeRuntime, type RecordedRequest } from './testing/fake-runtime.js';

describe('createClient', () => {
  let runtime: Awaited<ReturnType<typeof fakeRuntime>>;
  let answer: (r: RecordedRequest) => { status: number; body?: unknown };
  beforeEach(async () => {
    runtime = await fakeRuntime((r) => answer(r));
  });
  afterEach(async () => runtime.close());

  it('calls each route with the key and returns the parsed body', async () => {
    answer = (r) => {
      const echo = { path: r.path, method: r.method };
      // List routes answer { <collection>: [...] }; the client hands back the array.
      const collection = /^\/v1\/(connectors|installations|runs|api-keys)(\?|$)/.exec(r.path)?.[1];
      const field = collection === 'api-keys' ? 'keys' : collection;
      return {
        status: 200,
        body: r.method === 'GET' && field ? { [field]: [echo] } : echo,
      };
    };
    const client = createClient({
      url: runtime.url,
      key: 'pb_a_b',
      headers: { 'x-correlation-id': 'c-1' },
    });
    const calls: Array<[Promise<unknown>, string, string]> = [
      [client.connectors.get('slack'), 'GET', '/v1/connectors/slack'],
      [
        client.connectors.getVersion('slack', '1.2.0'),
        'GET',
        '/v1/connectors/slack/versions/1.2.0',
      ],
      [
        client.installations.create({
          connectorId: 'slack',
          config: {},
          credentials: { token: 't' },
        }),
        'POST',
        '/v1/installations',
      ],
      [client.installations.get('in/1'), 'GET', '/v1/installations/in%2F1'],
      [client.installations.update('in1', { version: '^2.0.0' }), 'PATCH', '/v1/installations/in1'],
      [client.installations.health('in1'), 'GET', '/v1/installations/in1/health'],
      [
        client.actions.invoke('in1', 'postMessage', { text: 'hi' }),
        'POST',
        '/v1/installations/in1/actions/postMessage',
      ],
      [client.runs.get('run1'), 'GET', '/v1/runs/run1'],
      [client.events.get('ev1'), 'GET', '/v1/events/ev1'],
      [client.batches.get('b1'), 'GET', '/v1/batches/b1'],
      [client.runs.replay('run1'), 'POST', '/v1/runs/run1/replay'],
      [client.batches.replay('b1', { items: [2] }), 'POST', '/v1/batches/b1/replay'],
      [client.apiKeys.create({ scopes: ['runs:read'] }), 'POST', '/v1/api-keys'],
      [client.apiKeys.revoke('k/1'), 'DELETE', '/v1/api-keys/k%2F1'],
    ];
    for (const [call, method, path] of calls) expect(await call).toEqual({ method, path });
    expect(await client.connectors.list()).toEqual([{ method: 'GET', path: '/v1/connectors' }]);
    expect(await client.installations.list()).toEqual([
      { method: 'GET', path: '/v1/installations' },
    ]);
    expect(await client.apiKeys.list({ tenantId: 't1' })).toEqual([
      { method: 'GET', path: '/v1/api-keys?tenantId=t1' },
    ]);
    expect(await client.runs.list({ installationId: 'in1', limit: 5 })).toEqual([
      { method: 'GET', path: '/v1/runs?installationId=in1&limit=5' },
    ]);
    for (const request of runtime.requests) {
      expect(request.headers).toMatchObject({
        authorization: 'Bearer pb_a_b',
        'x-correlation-id': 'c-1',
      });
    }
    expect(runtime.requests.find((r) => r.method === 'PATCH')?.body).toEqual({ version: '^2.0.0' });
  });

  it('sends one event with its Idempotency-Key and a list as { events }', async () => {
    answer = () => ({
      status: 202,
      body: { events: [{ id: 'e1', status: 'accepted' }], correlationId: 'c' },
    });
    const client = createClient({ url: runtime.url, key: 'k' });
    const accepted = await client.events.send(
      'in1',
      { action: 'postMessage', data: { text: 'hi' } },
      { idempotencyKey: 'key-1' },
    );
    expect(accepted.events[0]?.status).toBe('accepted');
    await client.events.send('in1', [{ action: 'postMessage', data: {}, id: 'a' }]);
    const [single, list] = runtime.requests;
    expect(single).toMatchObject({
      path: '/v1/installations/in1/events',
      headers: { 'idempotency-key': 'key-1' },
      body: { action: 'postMessage', data: { text: 'hi' } },
    });
    expect(list?.headers['idempotency-key']).toBeUndefined();
    expect(list?.body).toEqual({ events: [{ action: 'postMessage', data: {}, id: 'a' }] });
  });

  it('throws PlugboardApiError with the status, code, message and details of an error answer', async () => {
    answer = () => ({
      status: 422,
      body: {
        error: { code: 'VALIDATION_FAILED', message: 'bad input', details: [{ pointer: '/text' }] },
      },
    });
    const client = createClient({ url: runtime.url, key: 'k' });
    const error = await client.actions.invoke('in1', 'postMessage', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlugboardApiError);
    expect(error).toMatchObject({
      status: 422,
      code: 'VALIDATION_FAILED',
      message: 'bad input',
      details: [{ pointer: '/text' }],
    });

    answer = () => ({ status: 502, body: 'Bad gateway' });
    await expect(client.runs.get('r')).rejects.toMatchObject({ status: 502, code: 'HTTP_502' });
  });

  it('puts the publish report of a refusal in details, beside the error', async () => {
    answer = () => ({
      status: 422,
      body: {
        error: { code: 'PUBLISH_REFUSED', message: 'refused', details: { errors: [] } },
        report: { valid: false, errors: [], changes: [], requiredBump: 'major', contracts: [] },
      },
    });
    const client = createClient({ url: runtime.url, key: 'k' });
    await expect(client.connectors.publish({} as never)).rejects.toMatchObject({
      status: 422,
      code: 'PUBLISH_REFUSED',
      details: { valid: false, requiredBump: 'major' },
    });
  });

  it('throws NETWORK_ERROR when the runtime cannot be reached', async () => {
    const client = createClient({ url: 'http://127.0.0.1:1', key: 'k' });
    await expect(client.connectors.list()).rejects.toMatchObject({
      status: 0,
      code: 'NETWORK_ERROR',
    });
  });
});
