import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, makeTenant, standardSetup } from '../support/api.js';
import type { Call, TenantSetup } from '../support/api.js';
import { startFakePartner } from '../support/fake-partner.js';
import type { FakePartner } from '../support/fake-partner.js';
import { startRuntime } from '../support/runtime.js';
import type { RuntimeProcess } from '../support/runtime.js';

let runtime: RuntimeProcess;
let partner: FakePartner;
let call: Call;
let a: TenantSetup;
let b: Omit<TenantSetup, 'definition'>;

/** The secret part of `pb_<id>_<secret>`: the id has no underscore, the secret may have some. */
function secretOf(key: string): string {
  const secret = /^pb_[a-z0-9]+_(.+)$/.exec(key)?.[1];
  if (!secret || secret.length < 16) throw new Error(`not an API key: ${key}`);
  return secret;
}

beforeAll(async () => {
  partner = await startFakePartner();
  runtime = await startRuntime();
  call = api(runtime);
  a = await standardSetup(call, partner.url, 'tenant-a');
  b = await makeTenant(call, 'tenant-b');
});

afterAll(async () => {
  await runtime?.stop();
  await partner?.close();
});

describe('authentication and scopes', () => {
  it('answers 401 without a key, with a malformed key and with an unknown key', async () => {
    for (const key of ['', 'not-a-key', 'pb_deadbeef_wrongsecret']) {
      const res = await call('get', '/v1/installations', key);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHENTICATED');
    }
  });

  it('answers 401 to a known key id with another secret, also right after the key was used', async () => {
    expect((await call('get', '/v1/installations', a.key)).status).toBe(200);
    const [, id, secret] = /^pb_([a-z0-9]+)_(.+)$/.exec(a.key)!;
    const forged = `pb_${id}_${secret!.slice(1)}x`;
    const res = await call('get', '/v1/installations', forged);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
    expect((await call('get', '/v1/installations', a.key)).status).toBe(200);
  });

  it('accepts the key as X-Api-Key too', async () => {
    const res = await api(runtime)('get', '/v1/installations', '').set('x-api-key', a.key);
    expect(res.status).toBe(200);
  });

  it('answers 403 when the key lacks the scope', async () => {
    const readOnly = await call('post', '/v1/api-keys')
      .send({ tenantId: a.tenantId, scopes: ['runs:read'] })
      .expect(201);
    const res = await call(
      'post',
      `/v1/installations/${a.installationId}/events`,
      readOnly.body.key,
    ).send({ action: 'send', data: { text: 'x' } });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
    const tenant = await call('post', '/v1/tenants', a.key).send({ name: 'nope' });
    expect(tenant.status).toBe(403);
  });

  it('shows a created key once and stores only its hash', async () => {
    const created = await call('post', '/v1/api-keys')
      .send({ tenantId: a.tenantId, scopes: ['runs:read'], name: 'ci' })
      .expect(201);
    expect(created.body.key).toMatch(/^pb_[a-z0-9]+_[A-Za-z0-9_-]+$/);
    expect(created.body).toMatchObject({ scopes: ['runs:read'], tenantId: a.tenantId });
    const audit = await call('get', '/v1/audit?action=api-key.created').expect(200);
    expect(JSON.stringify(audit.body)).not.toContain(secretOf(created.body.key));
    expect(
      audit.body.entries.some((e: { targetId: string }) => e.targetId === created.body.id),
    ).toBe(true);
  });

  it('validates request bodies with JSON pointers', async () => {
    const res = await call('post', '/v1/api-keys').send({ tenantId: a.tenantId, scopes: ['fly'] });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details.errors[0].pointer).toBe('/scopes/0');
  });
});

describe('tenant isolation', () => {
  it("answers 404, not 403, for another tenant's installation, runs and events", async () => {
    const run = await call('post', `/v1/installations/${a.installationId}/actions/send`, a.key)
      .send({ text: 'mine' })
      .expect(200);
    for (const [method, path] of [
      ['get', `/v1/installations/${a.installationId}`],
      ['patch', `/v1/installations/${a.installationId}`],
      ['delete', `/v1/installations/${a.installationId}`],
      ['post', `/v1/installations/${a.installationId}/actions/send`],
      ['post', `/v1/installations/${a.installationId}/events`],
      ['get', `/v1/runs/${run.body.runId}`],
    ] as const) {
      const res = await call(method, path, b.key).send(
        method === 'patch'
          ? { name: 'stolen' }
          : { text: 'x', action: 'send', data: { text: 'x' } },
      );
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    const list = await call('get', '/v1/runs', b.key).expect(200);
    expect(list.body.runs).toEqual([]);
    const installations = await call('get', '/v1/installations', b.key).expect(200);
    expect(installations.body.installations.map((i: { id: string }) => i.id)).toEqual([
      b.installationId,
    ]);
    expect(
      (await call('get', `/v1/installations/${a.installationId}`, a.key)).body.name,
    ).toBeNull();
  });

  it('does not let a tenant admin mint keys for another tenant', async () => {
    const tenantAdmin = await call('post', '/v1/api-keys')
      .send({ tenantId: a.tenantId, scopes: ['admin'] })
      .expect(201);
    const res = await call('post', '/v1/api-keys', tenantAdmin.body.key).send({
      tenantId: b.tenantId,
      scopes: ['runs:read'],
    });
    expect(res.status).toBe(404);
    const own = await call('post', '/v1/api-keys', tenantAdmin.body.key)
      .send({ scopes: ['runs:read'] })
      .expect(201);
    expect(own.body.tenantId).toBe(a.tenantId);
  });
});

describe('key listing and revocation', () => {
  it('lists keys without their secrets and revokes one: refused at once, audited once, a second revoke changes nothing', async () => {
    const created = await call('post', '/v1/api-keys')
      .send({ tenantId: a.tenantId, scopes: ['installations:read'], name: 'ci pipeline' })
      .expect(201);
    const { id, key } = created.body as { id: string; key: string };
    // A read, so the spec sends the partner nothing that other specs of this file could receive.
    const read = () => call('get', `/v1/installations/${a.installationId}`, key);
    expect((await read()).status).toBe(200);

    const listed = await call('get', `/v1/api-keys?tenantId=${a.tenantId}`).expect(200);
    const keys = listed.body.keys as Array<Record<string, unknown>>;
    expect(keys.every((k) => k.tenantId === a.tenantId)).toBe(true);
    expect(keys.find((k) => k.id === id)).toMatchObject({
      name: 'ci pipeline',
      scopes: ['installations:read'],
      revokedAt: null,
    });
    expect(JSON.stringify(listed.body)).not.toContain(secretOf(key));
    expect(keys.some((k) => 'key' in k || 'secretHash' in k)).toBe(false);

    const revoked = await call('delete', `/v1/api-keys/${id}`).expect(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    const refused = await read();
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('UNAUTHENTICATED');

    const again = await call('delete', `/v1/api-keys/${id}`).expect(200);
    expect(again.body.revokedAt).toBe(revoked.body.revokedAt);
    const audit = await call('get', '/v1/audit').expect(200);
    const entries = (audit.body.entries as Array<{ action: string; targetId: string }>).filter(
      (e) => e.action === 'api-key.revoked' && e.targetId === id,
    );
    expect(entries).toHaveLength(1);
  });

  it("shows a tenant admin its own tenant's keys only, and answers 404 for another tenant's key", async () => {
    const tenantAdmin = await call('post', '/v1/api-keys')
      .send({ tenantId: a.tenantId, scopes: ['admin'] })
      .expect(201);
    const own = await call('get', '/v1/api-keys', tenantAdmin.body.key).expect(200);
    const tenants = new Set((own.body.keys as Array<{ tenantId: string }>).map((k) => k.tenantId));
    expect([...tenants]).toEqual([a.tenantId]);
    expect(
      (await call('get', `/v1/api-keys?tenantId=${b.tenantId}`, tenantAdmin.body.key)).status,
    ).toBe(404);

    const bKeyId = /^pb_([a-z0-9]+)_/.exec(b.key)![1]!;
    const res = await call('delete', `/v1/api-keys/${bKeyId}`, tenantAdmin.body.key);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('API_KEY_NOT_FOUND');
    expect((await call('get', '/v1/installations', b.key)).status).toBe(200);

    expect((await call('delete', '/v1/api-keys/nosuchkey')).status).toBe(404);
    expect((await call('get', '/v1/api-keys', a.key)).status).toBe(403);
  });
});

describe('installations', () => {
  it('validates config against the connector config schema and credentials against its auth', async () => {
    const res = await call('post', '/v1/installations', a.key).send({
      connectorId: 'acme',
      config: { region: 'mars' },
      credentials: { tokn: 'x' },
    });
    expect(res.status).toBe(422);
    const pointers = res.body.error.details.errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers).toEqual(
      expect.arrayContaining(['/config/region', '/credentials/token', '/credentials/tokn']),
    );
  });

  it('answers 404 for an unknown connector, installation or action', async () => {
    expect(
      (
        await call('post', '/v1/installations', a.key).send({
          connectorId: 'ghost',
          credentials: {},
        })
      ).status,
    ).toBe(404);
    expect((await call('get', '/v1/installations/ins_nope', a.key)).status).toBe(404);
    const res = await call('post', `/v1/installations/${a.installationId}/actions/fly`, a.key).send(
      {},
    );
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('ACTION_NOT_FOUND');
  });

  it('rotates credentials: the next partner call carries the new token, and neither token is ever returned or logged', async () => {
    const oldToken = 'tok-tenant-a-secret-value';
    const newToken = 'rotated-token-9f8e7d6c5b4a';
    const rotated = await call('patch', `/v1/installations/${a.installationId}`, a.key).send({
      credentials: { token: newToken, webhookSecret: 'whsec-rotated-value' },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.credentials).toEqual({ set: true, version: 2 });
    partner.reset();
    await call('post', `/v1/installations/${a.installationId}/actions/send`, a.key)
      .send({ text: 'after rotation' })
      .expect(200);
    const afterRotation = partner.requests.filter(
      (r) => (r.body as { text?: string } | undefined)?.text === 'after rotation',
    );
    expect(afterRotation).toHaveLength(1);
    expect(afterRotation[0]!.headers.authorization).toBe(`Bearer ${newToken}`);
    const audit = await call('get', '/v1/audit?action=installation.credentials-rotated').expect(
      200,
    );
    expect(
      audit.body.entries.some((e: { targetId: string }) => e.targetId === a.installationId),
    ).toBe(true);

    const bodies = [
      await call('get', `/v1/installations/${a.installationId}`, a.key),
      await call('get', '/v1/installations', a.key),
      await call('get', '/v1/runs', a.key),
      await call('get', '/v1/audit'),
    ].map((r) => JSON.stringify(r.body));
    const runs = await call('get', '/v1/runs', a.key);
    for (const run of runs.body.runs)
      bodies.push(JSON.stringify((await call('get', `/v1/runs/${run.id}`, a.key)).body));
    for (const secret of [oldToken, newToken, 'whsec-rotated-value', 'whsec-tenant-a-value']) {
      for (const body of bodies) expect(body).not.toContain(secret);
      for (const line of runtime.logs) expect(line).not.toContain(secret);
    }
  });

  it('disables and deletes an installation, audited', async () => {
    const extra = await call('post', '/v1/installations', a.key)
      .send({ connectorId: 'acme', credentials: { token: 't-extra' } })
      .expect(201);
    await call('patch', `/v1/installations/${extra.body.id}`, a.key)
      .send({ status: 'disabled' })
      .expect(200);
    const refused = await call('post', `/v1/installations/${extra.body.id}/events`, a.key).send({
      action: 'send',
      data: { text: 'x' },
    });
    expect(refused.status).toBe(409);
    await call('delete', `/v1/installations/${extra.body.id}`, a.key).expect(204);
    expect((await call('get', `/v1/installations/${extra.body.id}`, a.key)).status).toBe(404);
    const audit = await call('get', '/v1/audit?action=installation.deleted').expect(200);
    expect(audit.body.entries.map((e: { targetId: string }) => e.targetId)).toContain(
      extra.body.id,
    );
  });
});
