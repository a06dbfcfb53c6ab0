import { describe, expect, it } from 'vitest';
import { makeTenant, publish } from '../support/api.js';
import type { Call } from '../support/api.js';
import { sendContract } from '../support/factories.js';
import type { Definition } from '../support/factories.js';
import { eventually } from '../support/runtime.js';
import { actionsOf, v1, v11, world } from './helpers.js';

const w = world();
const call: Call = (...args) => w.call(...args);

/** 2.0.0 of `migrate`: `send.text` renamed `message` with a migration, `import.id` renamed `key` without one. */
function migrate2(partnerUrl: string): Definition {
  const next = structuredClone(v11(partnerUrl, 'migrate'));
  next.version = '2.0.0';
  const actions = actionsOf(next);
  actions.send!.input.properties = {
    message: { type: 'string', minLength: 1 },
    n: { type: 'integer' },
    priority: { type: 'string' },
    source: { type: 'string' },
  };
  actions.send!.input.required = ['message'];
  actions.import!.input.properties = { key: { type: 'string' } };
  actions.import!.input.required = ['key'];
  next.migrations = [
    {
      from: '<2.0.0',
      target: 'send',
      aliases: { text: 'message' },
      expression: "$merge([$, {'source': 'v1'}])",
    },
  ];
  return next;
}

/** 2.0.0 of `dry`: the same partner call, another output, and a config that needs a workspace. */
function dry2(partnerUrl: string): Definition {
  const next = structuredClone(v1(partnerUrl, 'dry'));
  next.version = '2.0.0';
  const done = actionsOf(next).send!.flow.nodes.find((n) => n.id === 'done')!;
  done.value = "{ 'delivered': steps.call.body.ok, 'echo': steps.call.body.echo }";
  next.config = {
    type: 'object',
    additionalProperties: false,
    required: ['region', 'workspace'],
    properties: { region: { type: 'string', enum: ['eu', 'us'] }, workspace: { type: 'string' } },
  };
  return next;
}

describe('payload migrations', () => {
  it('brings a 1.1.0 payload forward to 2.0.0 before validation and delivers it in the 2.0 shape', async () => {
    await publish(w.call, v1(w.partner.url, 'migrate'));
    await publish(w.call, v11(w.partner.url, 'migrate'));
    await publish(w.call, migrate2(w.partner.url));
    const { installationId, key } = await makeTenant(call, 'migrate-tenant', 'migrate');
    const created = await call('get', `/v1/installations/${installationId}`).expect(200);
    expect(created.body.version).toBe('2.0.0');

    const accepted = await call('post', `/v1/installations/${installationId}/events`, key)
      .set('Plugboard-Schema-Version', '1.1.0')
      .set('Idempotency-Key', 'migrate-1')
      .send({ action: 'send', data: { text: 'from v1', priority: 'high' } });
    expect(accepted.status).toBe(202);
    expect(accepted.body.events[0].status).toBe('accepted');
    const seen = await eventually(async () =>
      w.partner.requests.find(
        (r) => r.path === '/messages' && (r.body as { message?: string }).message === 'from v1',
      ),
    );
    expect(seen.body).toEqual({ message: 'from v1', priority: 'high', source: 'v1' });

    const sync = await call('post', `/v1/installations/${installationId}/actions/send`, key)
      .set('Plugboard-Schema-Version', '1.0.0')
      .send({ text: 'sync v1' })
      .expect(200);
    expect(sync.body.output.echo).toEqual({ message: 'sync v1', source: 'v1' });

    // Without the header the same payload is a 2.0 payload, and it is not one.
    const unlabelled = await call('post', `/v1/installations/${installationId}/events`, key).send({
      action: 'send',
      data: { text: 'from v1' },
    });
    expect(unlabelled.status).toBe(422);
    expect(unlabelled.body.events[0].errors.map((e: { code: string }) => e.code)).not.toContain(
      'MIGRATION_GAP',
    );
  });

  it('replays an event stored on 1.1.0 in the 2.0 shape once the installation is upgraded', async () => {
    const { key } = await makeTenant(call, 'replay-tenant', 'migrate');
    const created = await call('post', '/v1/installations', key)
      .send({
        connectorId: 'migrate',
        version: '^1.0.0',
        config: { region: 'eu' },
        credentials: { token: 't' },
      })
      .expect(201);
    const id = created.body.id as string;
    expect(created.body.version).toBe('1.1.0');
    const accepted = await call('post', `/v1/installations/${id}/events`, key)
      .send({ action: 'send', data: { text: 'before upgrade' } })
      .expect(202);
    const eventId = accepted.body.events[0].eventId as string;
    const runId = await eventually(async () => {
      const event = await call('get', `/v1/events/${eventId}`, key);
      return event.body.state === 'succeeded' ? (event.body.lastRunId as string) : undefined;
    });
    expect(
      w.partner.requests.find((r) => (r.body as { text?: string }).text === 'before upgrade'),
    ).toBeDefined();

    await call('patch', `/v1/installations/${id}`, key).send({ version: '2.0.0' }).expect(200);
    await call('post', `/v1/runs/${runId}/replay`, key).expect(202);
    const replayed = await eventually(async () =>
      w.partner.requests.find((r) => (r.body as { message?: string }).message === 'before upgrade'),
    );
    expect(replayed.body).toEqual({ message: 'before upgrade', source: 'v1' });
  });

  it('refuses a payload no migration chain brings forward with a 422 naming the gap', async () => {
    const { installationId, key } = await makeTenant(call, 'gap-tenant', 'migrate');
    const res = await call('post', `/v1/installations/${installationId}/events`, key)
      .set('Plugboard-Schema-Version', '1.1.0')
      .send({ action: 'import', data: { id: 'r1' } });
    expect(res.status).toBe(422);
    const [gap] = res.body.events[0].errors as Array<{ code: string; message: string }>;
    expect(gap!.code).toBe('MIGRATION_GAP');
    expect(gap!.message).toContain('1.1.0 -> 2.0.0');
    expect(res.body.error.message).toContain('1.1.0 -> 2.0.0');
  });

  it('shows a changelog built from the diffs, newest first, in its own route and the connector', async () => {
    const res = await call('get', '/v1/connectors/migrate/changelog').expect(200);
    const entries = res.body.entries as Array<{
      version: string;
      bump: string;
      breaking: number;
      changes: Array<{ pointer: string; class: string }>;
    }>;
    expect(entries.map((e) => e.version)).toEqual(['2.0.0', '1.1.0', '1.0.0']);
    expect(entries[0]).toMatchObject({ bump: 'major' });
    expect(entries[0]!.breaking).toBeGreaterThan(0);
    expect(
      entries[0]!.changes.some(
        (c) => c.class === 'breaking' && c.pointer.startsWith('/actions/send/input'),
      ),
    ).toBe(true);
    expect(entries[1]!.changes.length).toBeGreaterThan(0);
    expect(entries[1]!.changes.every((c) => c.class === 'compatible')).toBe(true);
    const connector = await call('get', '/v1/connectors/migrate').expect(200);
    expect(connector.body.changelog).toHaveLength(3);
  });
});

describe('major upgrades', () => {
  it('dry-runs recent events through both versions offline, then upgrades only when the config fits', async () => {
    await publish(w.call, v1(w.partner.url, 'dry'), [sendContract()]);
    const { installationId, key } = await makeTenant(call, 'dry-tenant', 'dry');
    const eventIds: string[] = [];
    for (const text of ['hello', 'hi']) {
      const res = await call('post', `/v1/installations/${installationId}/events`, key)
        .send({ action: 'send', data: { text } })
        .expect(202);
      eventIds.push(res.body.events[0].eventId as string);
    }
    await eventually(async () => {
      const states = await Promise.all(
        eventIds.map(async (id) => (await call('get', `/v1/events/${id}`, key)).body.state),
      );
      return states.every((s) => s === 'succeeded') ? true : undefined;
    });
    await publish(w.call, dry2(w.partner.url), [
      { ...sendContract(), expect: { output: { delivered: true, echo: { text: 'hi' } } } },
    ]);
    const partnerCalls = w.partner.requests.length;

    const dry = await call('patch', `/v1/installations/${installationId}?dryRun=true`, key)
      .send({ version: '2.0.0' })
      .expect(200);
    expect(dry.body).toMatchObject({
      dryRun: true,
      from: '1.0.0',
      to: '2.0.0',
      range: '^2.0.0',
      summary: { events: 2, same: 0, different: 2, failed: 0 },
    });
    const first = (dry.body.events as Array<Record<string, unknown>>).find(
      (e) => e.eventId === eventIds[0],
    )!;
    expect(first.status).toBe('different');
    expect(first.from).toEqual({ status: 'succeeded', output: { ok: true, echo: { text: 'hi' } } });
    expect(first.diff).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pointer: '/delivered', change: 'added', to: true }),
        expect.objectContaining({ pointer: '/ok', change: 'removed' }),
      ]),
    );
    expect(dry.body.config.fits).toBe(false);
    expect(w.partner.requests.length).toBe(partnerCalls);

    const named = await call('patch', `/v1/installations/${installationId}?dryRun=true`, key)
      .send({ version: '1.0.0', events: [eventIds[1]] })
      .expect(200);
    expect(named.body.summary).toEqual({ events: 1, same: 1, different: 0, failed: 0 });

    const refused = await call('patch', `/v1/installations/${installationId}`, key).send({
      version: '2.0.0',
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.message).toContain('does not fit dry@2.0.0');
    expect(refused.body.error.details.errors[0].pointer).toMatch(/^\/config/);
    expect((await call('get', `/v1/installations/${installationId}`)).body.version).toBe('1.0.0');

    const upgraded = await call('patch', `/v1/installations/${installationId}`, key)
      .send({ version: '2.0.0', config: { region: 'eu', workspace: 'w1' } })
      .expect(200);
    expect(upgraded.body).toMatchObject({ version: '2.0.0', range: '^2.0.0' });
    expect(w.partner.requests.length).toBe(partnerCalls);
  });
});
