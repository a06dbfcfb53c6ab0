import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TENANT_SCOPES, api, publish } from '../support/api.js';
import type { Call } from '../support/api.js';
import { startFakePartner } from '../support/fake-partner.js';
import type { FakePartner, RecordedRequest } from '../support/fake-partner.js';
import { startRuntime } from '../support/runtime.js';
import type { RuntimeProcess } from '../support/runtime.js';
import {
  GITHUB_SECRET,
  bundledAt,
  deliverGithub,
  githubSignature,
  issueEvent,
  settleAt,
} from './route-fixtures.js';

let runtime: RuntimeProcess;
let slack: FakePartner;
let github: FakePartner;
let call: Call;
let tenant: { id: string; key: string; github: string; slack: string };
let other: { id: string; key: string; github: string; slack: string };
const created: string[] = [];

async function tenantWith(name: string) {
  const t = await call('post', '/v1/tenants').send({ name }).expect(201);
  const key = await call('post', '/v1/api-keys')
    .send({ tenantId: t.body.id, scopes: TENANT_SCOPES, name: 'all' })
    .expect(201);
  const gh = await call('post', '/v1/installations', key.body.key)
    .send({
      connectorId: 'github',
      credentials: { token: `ghp-${name}`, webhookSecret: GITHUB_SECRET },
    })
    .expect(201);
  const sl = await call('post', '/v1/installations', key.body.key)
    .send({
      connectorId: 'slack',
      config: { defaultChannel: 'C0123456789' },
      credentials: { token: `xoxb-${name}` },
    })
    .expect(201);
  return {
    id: t.body.id as string,
    key: key.body.key as string,
    github: gh.body.id as string,
    slack: sl.body.id as string,
  };
}

const posts = () => slack.requests.filter((r) => r.path === '/api/chat.postMessage');
const textOf = (r: RecordedRequest) => (r.body as { text?: string }).text;

beforeAll(async () => {
  slack = await startFakePartner();
  github = await startFakePartner();
  runtime = await startRuntime();
  call = api(runtime);
  const gh = bundledAt('github', github.url);
  // Its list contracts follow absolute api.github.com Link URLs; the trigger's contracts are the examples.
  await publish(
    call,
    gh.definition,
    gh.contracts.filter((c) => (c as { trigger?: string }).trigger === 'issues'),
  );
  const sl = bundledAt('slack', slack.url);
  await publish(call, sl.definition, sl.contracts);
  tenant = await tenantWith('routes-a');
  other = await tenantWith('routes-b');
});

afterAll(async () => {
  await runtime?.stop();
  await slack?.close();
  await github?.close();
});

beforeEach(() => {
  slack.reset();
  // Slack answers chat.postMessage with ok, the channel and the new message's ts.
  slack.script((request) =>
    request.path === '/api/chat.postMessage'
      ? {
          status: 200,
          body: {
            ok: true,
            channel: (request.body as { channel?: string }).channel,
            ts: `1700000000.${String(slack.requests.length).padStart(6, '0')}`,
            message: { text: textOf(request), bot_id: 'B0123' },
          },
        }
      : undefined,
  );
});

afterEach(async () => {
  for (const id of created.splice(0)) await call('delete', `/v1/routes/${id}`, tenant.key);
});

async function createRoute(body: Record<string, unknown>, key = tenant.key) {
  const res = await call('post', '/v1/routes', key).send({
    name: 'issues to slack',
    source: { installationId: tenant.github, trigger: 'issues' },
    target: { installationId: tenant.slack, action: 'postMessage' },
    mapping: "{ 'text': 'Issue #' & $string(issue.number) & ' ' & action & ': ' & issue.title }",
    ...body,
  });
  if (res.status === 201) created.push(res.body.id as string);
  return res;
}

describe('webhook triggers into routes', () => {
  it('dry-runs the mapping on the trigger examples, then turns one webhook delivered three times into one Slack message', async () => {
    const route = await createRoute({});
    expect(route.status, JSON.stringify(route.body)).toBe(201);
    expect(route.body).toMatchObject({
      tenantId: tenant.id,
      source: { installationId: tenant.github, trigger: 'issues', kind: 'webhook' },
      target: { installationId: tenant.slack, action: 'postMessage' },
      enabled: true,
    });
    // The github connector's contracts give the example records of the issues trigger.
    expect(route.body.dryRun.length).toBeGreaterThan(0);
    expect(route.body.dryRun[0].input.text).toMatch(/^Issue #\d+ \w+: /);

    const delivery = randomUUID();
    const payload = issueEvent('opened', 42, 'Crash on start');
    const answers = [];
    for (let i = 0; i < 3; i++) {
      const res = await deliverGithub(call, tenant.github, payload, delivery, `trace-${delivery}`);
      expect(res.status).toBe(202);
      answers.push(res.body.status);
    }
    expect(answers).toEqual(['accepted', 'duplicate', 'duplicate']);
    expect(await settleAt(() => posts().length, 1)).toBe(1);
    const post = posts()[0]!;
    expect(post.body).toEqual({ channel: 'C0123456789', text: 'Issue #42 opened: Crash on start' });
    expect(post.headers.authorization).toBe('Bearer xoxb-routes-a');

    // The Slack call carries the webhook's correlation id, and the run is found by it.
    expect(post.headers['x-correlation-id']).toBe(`trace-${delivery}`);
    const runs = await call('get', `/v1/runs?correlationId=trace-${delivery}`, tenant.key).expect(
      200,
    );
    expect(runs.body.runs).toHaveLength(1);
    expect(runs.body.runs[0]).toMatchObject({
      installationId: tenant.slack,
      action: 'postMessage',
    });
  });

  it('drops the events a filter rejects and routes the others', async () => {
    const route = await createRoute({ filter: "action = 'closed'" });
    expect(route.status, JSON.stringify(route.body)).toBe(201);
    await deliverGithub(call, tenant.github, issueEvent('opened', 7, 'Opened one')).expect(202);
    await deliverGithub(call, tenant.github, issueEvent('closed', 8, 'Closed one')).expect(202);
    await deliverGithub(call, tenant.github, issueEvent('edited', 9, 'Edited one')).expect(202);
    expect(await settleAt(() => posts().length, 1)).toBe(1);
    expect(textOf(posts()[0]!)).toBe('Issue #8 closed: Closed one');
  });

  it('fans one delivery out to every enabled route and skips disabled ones', async () => {
    const first = await createRoute({ name: 'first' });
    const second = await createRoute({
      name: 'second',
      mapping: "{ 'text': 'second: ' & issue.title, 'channel': 'C999' }",
    });
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    await deliverGithub(call, tenant.github, issueEvent('opened', 10, 'Both')).expect(202);
    expect(await settleAt(() => posts().length, 2)).toBe(2);
    expect(posts().map(textOf).sort()).toEqual(['Issue #10 opened: Both', 'second: Both']);

    const disabled = await call('patch', `/v1/routes/${first.body.id}`, tenant.key)
      .send({ enabled: false })
      .expect(200);
    expect(disabled.body.enabled).toBe(false);
    slack.requests.length = 0;
    await deliverGithub(call, tenant.github, issueEvent('opened', 11, 'Only second')).expect(202);
    expect(await settleAt(() => posts().length, 1)).toBe(1);
    expect(posts()[0]!.body).toEqual({ channel: 'C999', text: 'second: Only second' });
  });

  it('refuses at creation a mapping whose output the target action refuses, with the validator pointers', async () => {
    const res = await createRoute({ mapping: "{ 'text': issue.number, 'colour': 'red' }" });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    const targets = res.body.error.details.errors.map(
      (e: { pointer: string; target: { pointer: string } }) => [e.pointer, e.target.pointer],
    );
    expect(targets).toContainEqual(['/mapping', '/text']);
    expect(targets).toContainEqual(['/mapping', '/colour']);
    expect(res.body.error.message).toMatch(/slack\.postMessage/);

    const syntax = await createRoute({ mapping: "{ 'text': " });
    expect(syntax.status).toBe(422);
    expect(syntax.body.error.details.errors[0]).toMatchObject({
      pointer: '/mapping',
      code: 'EXPRESSION_INVALID',
    });
    const filter = await createRoute({ filter: 'action = = 1' });
    expect(filter.status).toBe(422);
    expect(filter.body.error.details.errors[0].pointer).toBe('/filter');

    // A supplied sample must be an event of the trigger.
    const sample = await createRoute({ sample: { action: 'opened' } });
    expect(sample.status).toBe(422);
    expect(sample.body.error.details.errors[0].pointer).toMatch(/^\/sample/);

    // An update is checked the same way and leaves the route as it was.
    const ok = await createRoute({});
    const bad = await call('patch', `/v1/routes/${ok.body.id}`, tenant.key)
      .send({ mapping: "{ 'text': 5 }" })
      .expect(422);
    expect(bad.body.error.details.errors[0].target.pointer).toBe('/text');
    const kept = await call('get', `/v1/routes/${ok.body.id}`, tenant.key).expect(200);
    expect(kept.body.mapping).toBe(ok.body.mapping);
    // Disabling needs no dry run; enabling runs it again.
    const off = await call('patch', `/v1/routes/${ok.body.id}`, tenant.key)
      .send({ enabled: false })
      .expect(200);
    expect(off.body).toMatchObject({ enabled: false });
    expect(off.body.dryRun).toBeUndefined();
    const on = await call('patch', `/v1/routes/${ok.body.id}`, tenant.key)
      .send({ enabled: true })
      .expect(200);
    expect(on.body.enabled).toBe(true);
    expect(on.body.dryRun.length).toBeGreaterThan(0);
    const list = await call('get', '/v1/routes', tenant.key).expect(200);
    expect(list.body.routes.map((r: { id: string }) => r.id)).toEqual([ok.body.id]);
  });

  it('keeps routes inside their tenant: other tenants get 404 and cannot join installations across tenants', async () => {
    const route = await createRoute({});
    expect(route.status).toBe(201);
    await call('get', `/v1/routes/${route.body.id}`, other.key).expect(404);
    await call('patch', `/v1/routes/${route.body.id}`, other.key)
      .send({ enabled: false })
      .expect(404);
    await call('delete', `/v1/routes/${route.body.id}`, other.key).expect(404);
    const list = await call('get', '/v1/routes', other.key).expect(200);
    expect(list.body.routes).toEqual([]);

    const cross = await call('post', '/v1/routes', other.key).send({
      name: 'cross',
      source: { installationId: tenant.github, trigger: 'issues' },
      target: { installationId: other.slack, action: 'postMessage' },
      mapping: "{ 'text': issue.title }",
    });
    expect(cross.status).toBe(404);
    const crossTarget = await call('post', '/v1/routes', other.key).send({
      name: 'cross target',
      source: { installationId: other.github, trigger: 'issues' },
      target: { installationId: tenant.slack, action: 'postMessage' },
      mapping: "{ 'text': issue.title }",
    });
    expect(crossTarget.status).toBe(404);
    // Even the platform admin cannot join two tenants' installations.
    const admin = await call('post', '/v1/routes').send({
      name: 'admin cross',
      source: { installationId: tenant.github, trigger: 'issues' },
      target: { installationId: other.slack, action: 'postMessage' },
      mapping: "{ 'text': issue.title }",
    });
    expect(admin.status).toBe(404);

    const unknownTrigger = await createRoute({
      source: { installationId: tenant.github, trigger: 'pushes' },
    });
    expect(unknownTrigger.status).toBe(404);
    expect(unknownTrigger.body.error.code).toBe('TRIGGER_NOT_FOUND');

    const audit = await call('get', '/v1/audit?action=route.created').expect(200);
    expect(audit.body.entries.map((e: { targetId: string }) => e.targetId)).toContain(
      route.body.id,
    );
  });

  it('shows each record of the trigger with the refusals of its routes and the correlation id of its events', async () => {
    const route = await createRoute({});
    expect(route.status).toBe(201);
    await call('patch', `/v1/installations/${tenant.slack}`, tenant.key)
      .send({ status: 'disabled' })
      .expect(200);
    try {
      await deliverGithub(
        call,
        tenant.github,
        issueEvent('opened', 13, 'Nobody listens'),
        undefined,
        'trace-refused',
      ).expect(202);
    } finally {
      await call('patch', `/v1/installations/${tenant.slack}`, tenant.key)
        .send({ status: 'enabled' })
        .expect(200);
    }
    // GitHub's ping on hook creation is verified and committed but gives no records.
    const ping = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
    await call('post', `/hooks/${tenant.github}/issues`, '')
      .set('content-type', 'application/json')
      .set('x-github-event', 'ping')
      .set('x-github-delivery', randomUUID())
      .set('x-hub-signature-256', githubSignature(ping))
      .send(ping)
      .expect(202);

    const res = await call(
      'get',
      `/v1/installations/${tenant.github}/triggers/issues/records?limit=2`,
      tenant.key,
    ).expect(200);
    const [empty, refused] = res.body.records;
    expect(empty).toMatchObject({ state: 'empty', data: null });
    expect(refused).toMatchObject({
      state: 'routed',
      correlationId: 'trace-refused',
      data: { action: 'opened', issue: { number: 13 } },
      refusals: [{ routeId: route.body.id, code: 'INSTALLATION_DISABLED' }],
    });
    expect(await settleAt(() => posts().length, 0, 500)).toBe(0);
    await call(
      'get',
      `/v1/installations/${tenant.github}/triggers/issues/records`,
      other.key,
    ).expect(404);
  });
});
