import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, makeTenant, publish } from '../support/api.js';
import type { Call } from '../support/api.js';
import { bundle, makeConnector, sendContract } from '../support/factories.js';
import type { Definition } from '../support/factories.js';
import { startFakePartner } from '../support/fake-partner.js';
import type { FakePartner } from '../support/fake-partner.js';
import { startRuntime } from '../support/runtime.js';
import type { RuntimeProcess } from '../support/runtime.js';

let runtime: RuntimeProcess;
let partner: FakePartner;
let call: Call;

beforeAll(async () => {
  partner = await startFakePartner();
  runtime = await startRuntime();
  call = api(runtime);
});

afterAll(async () => {
  await runtime?.stop();
  await partner?.close();
});

function withoutInputField(definition: Definition, version: string): Definition {
  const next = structuredClone(definition);
  next.version = version;
  const send = (next.actions as Record<string, { input: { properties: Record<string, unknown> } }>)
    .send!;
  delete send.input.properties.n;
  return next;
}

async function versionsOf(id: string): Promise<string[]> {
  const res = await call('get', `/v1/connectors/${id}`);
  return res.status === 200
    ? (res.body.versions as Array<{ version: string }>).map((v) => v.version)
    : [];
}

describe('publish gate', () => {
  it('refuses an invalid definition with every error as a JSON pointer and stores nothing', async () => {
    const broken = makeConnector(partner.url, { id: 'broken' });
    delete (broken as Record<string, unknown>).name;
    (broken.actions as Record<string, { flow: { edges: unknown[] } }>).send!.flow.edges.push({
      from: 'done',
      to: 'nowhere',
    });
    const res = await call('post', '/v1/connectors').send(bundle(broken));
    expect(res.status).toBe(422);
    expect(res.body.report.valid).toBe(false);
    const pointers = (res.body.report.errors as Array<{ pointer: string }>).map((e) => e.pointer);
    expect(pointers.length).toBeGreaterThanOrEqual(2);
    expect(pointers.some((p) => p === '/name' || p === '')).toBe(true);
    expect(pointers.some((p) => p.startsWith('/actions/send/flow'))).toBe(true);
    expect((await call('get', '/v1/connectors/broken')).status).toBe(404);
  });

  it('refuses a bundle whose digest does not match its definition', async () => {
    const definition = makeConnector(partner.url, { id: 'tampered' });
    const tampered = { ...bundle(definition), digest: `sha256:${'0'.repeat(64)}` };
    const res = await call('post', '/v1/connectors').send(tampered);
    expect(res.status).toBe(422);
    expect(res.body.report.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pointer: '/digest', code: 'DIGEST_MISMATCH' }),
      ]),
    );
    expect(await versionsOf('tampered')).toEqual([]);
  });

  it('publishes, treats the same content again as a no-op and refuses the same version with other content (409)', async () => {
    const definition = makeConnector(partner.url, { id: 'immutable' });
    expect((await call('post', '/v1/connectors').send(bundle(definition))).status).toBe(201);
    expect((await call('post', '/v1/connectors').send(bundle(definition))).status).toBe(200);
    const changed = { ...definition, description: 'Something else entirely.' };
    const res = await call('post', '/v1/connectors').send(bundle(changed));
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('VERSION_EXISTS');
    const stored = await call('get', '/v1/connectors/immutable/versions/1.0.0').expect(200);
    expect(stored.body.definition.description).toBe(definition.description);
  });

  it('requires a major bump for a breaking change and reports each change', async () => {
    const v1 = makeConnector(partner.url, { id: 'bumpy' });
    await publish(call, v1);
    const res = await call('post', '/v1/connectors').send(bundle(withoutInputField(v1, '1.1.0')));
    expect(res.status).toBe(422);
    expect(res.body.report.requiredBump).toBe('major');
    expect(res.body.report.changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          class: 'breaking',
          pointer: expect.stringContaining('/actions/send/input'),
        }),
      ]),
    );
    expect(res.body.report.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pointer: '/version', code: 'VERSION_BUMP_TOO_SMALL' }),
      ]),
    );
    expect(await versionsOf('bumpy')).toEqual(['1.0.0']);
    const major = await call('post', '/v1/connectors').send(bundle(withoutInputField(v1, '2.0.0')));
    expect(major.status).toBe(201);
    expect(await versionsOf('bumpy')).toEqual(['1.0.0', '2.0.0']);
  });

  it("runs the package's contracts and refuses a version whose contract fails", async () => {
    const definition = makeConnector(partner.url, { id: 'contracted' });
    const failing = await call('post', '/v1/connectors').send(
      bundle(definition, [sendContract('bye', 'wrong expectation')]),
    );
    expect(failing.status).toBe(422);
    expect(failing.body.report.contracts).toEqual([
      expect.objectContaining({ name: 'wrong expectation', passed: false }),
    ]);
    expect(await versionsOf('contracted')).toEqual([]);
    const passing = await call('post', '/v1/connectors').send(
      bundle(definition, [sendContract('hi', 'right expectation')]),
    );
    expect(passing.status).toBe(201);
    expect(passing.body.report.contracts).toEqual([
      expect.objectContaining({ name: 'right expectation', passed: true }),
    ]);
  });

  it('holds every later version to the registered consumer contracts', async () => {
    const v1 = makeConnector(partner.url, { id: 'consumed' });
    await publish(call, v1);
    const registered = await call('post', '/v1/connectors/consumed/contracts').send({
      ...sendContract('hi', 'billing relies on echo'),
      consumer: 'billing',
    });
    expect(registered.status).toBe(201);
    const v11 = structuredClone(v1);
    v11.version = '1.1.0';
    const send = (
      v11.actions as Record<string, { flow: { nodes: Array<{ id: string; value?: string }> } }>
    ).send!;
    send.flow.nodes.find((n) => n.id === 'done')!.value = '{ "ok": steps.call.body.ok }';
    const res = await call('post', '/v1/connectors').send(bundle(v11));
    expect(res.status).toBe(422);
    expect(res.body.report.contracts).toEqual([
      expect.objectContaining({
        name: 'billing relies on echo',
        consumer: 'billing',
        passed: false,
      }),
    ]);
    expect(await versionsOf('consumed')).toEqual(['1.0.0']);
  });

  it('refuses to register a consumer contract the current version already breaks', async () => {
    await publish(call, makeConnector(partner.url, { id: 'strict' }));
    const res = await call('post', '/v1/connectors/strict/contracts').send({
      ...sendContract('nope', 'impossible'),
      consumer: 'x',
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('lets only catalog:publish keys publish', async () => {
    await publish(call, makeConnector(partner.url));
    const tenant = await makeTenant(call, 'publisher-check');
    const res = await call('post', '/v1/connectors', tenant.key).send(
      bundle(makeConnector(partner.url, { id: 'sneaky' })),
    );
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
    expect(await versionsOf('sneaky')).toEqual([]);
  });
});
