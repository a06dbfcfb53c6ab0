import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, standardSetup } from '../support/api.js';
import type { Call, TenantSetup } from '../support/api.js';
import { makeConnector } from '../support/factories.js';
import { startFakePartner } from '../support/fake-partner.js';
import type { FakePartner } from '../support/fake-partner.js';
import { repoRoot, runtimeMain, startRuntime } from '../support/runtime.js';
import type { RuntimeProcess } from '../support/runtime.js';

function startWith(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--no-node-snapshot', runtimeMain], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      PLUGBOARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'plugboard-cfg-')),
      ...env,
    },
    encoding: 'utf8',
    timeout: 20_000,
  });
}

describe('configuration', () => {
  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PLUGBOARD_MODE: 'swarm' }, 'PLUGBOARD_MODE'],
    [{ PLUGBOARD_MODE: 'cluster' }, 'DATABASE_URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ PLUGBOARD_MASTER_KEY: 'short' }, 'PLUGBOARD_MASTER_KEY'],
    [{ PLUGBOARD_EGRESS_ALLOW_PRIVATE: 'maybe' }, 'PLUGBOARD_EGRESS_ALLOW_PRIVATE'],
  ])('refuses to start with %o and names %s', (env, variable) => {
    const result = startWith(env);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(`invalid configuration: ${variable}`);
  });
});

describe('first start', () => {
  let dataDir: string;
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('creates an admin key, prints it once outside the JSON log, and publishes the bundled connectors', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'plugboard-first-'));
    const first = await startRuntime({
      dataDir,
      env: { PLUGBOARD_ADMIN_KEY: '', PLUGBOARD_PUBLISH_BUNDLED: '1' },
    });
    let key: string;
    try {
      const printed = first.logs.filter((line) => /^\s+pb_[a-z0-9]+_/.test(line));
      expect(printed).toHaveLength(1);
      key = printed[0]!.trim();
      expect(first.logs.filter((line) => line.startsWith('{') && line.includes(key))).toEqual([]);
      const catalog = await api(first)('get', '/v1/connectors', key).expect(200);
      const published = (catalog.body.connectors as Array<{ id: string }>).map((c) => c.id);
      const bundled = readdirSync(join(repoRoot, 'connectors')).filter((d) =>
        existsSync(join(repoRoot, 'connectors', d, 'connector.json')),
      );
      // Every bundled package is either in the catalog or named in a loud refusal.
      for (const dir of bundled) {
        const refused = first.logs.some(
          (l) => l.includes(`bundled connector ${dir}`) && l.includes('"level":50'),
        );
        expect(published.includes(dir) || refused, dir).toBe(true);
      }
      const mode = statSync(join(dataDir, 'master.key')).mode & 0o777;
      expect(mode).toBe(0o600);
    } finally {
      await first.stop();
    }
    const second = await startRuntime({ dataDir, env: { PLUGBOARD_ADMIN_KEY: '' } });
    try {
      expect(second.logs.some((line) => /^\s+pb_[a-z0-9]+_/.test(line))).toBe(false);
      await api(second)('get', '/v1/connectors', key).expect(200);
    } finally {
      await second.stop();
    }
  });

  it('keeps the last platform admin key from being revoked while no PLUGBOARD_ADMIN_KEY is set', async () => {
    const runtime = await startRuntime({ env: { PLUGBOARD_ADMIN_KEY: '' } });
    try {
      const printed = runtime.logs.find((line) => /^\s+pb_[a-z0-9]+_/.test(line))!.trim();
      const call = api(runtime);
      const firstId = /^pb_([a-z0-9]+)_/.exec(printed)![1]!;
      const refused = await call('delete', `/v1/api-keys/${firstId}`, printed);
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('LAST_ADMIN_KEY');
      expect(refused.body.error.message).toContain('PLUGBOARD_ADMIN_KEY');
      await call('get', '/v1/tenants', printed).expect(200);

      const second = await call('post', '/v1/api-keys', printed)
        .send({ scopes: ['admin'], name: 'second admin' })
        .expect(201);
      await call('delete', `/v1/api-keys/${firstId}`, second.body.key).expect(200);
      expect((await call('get', '/v1/tenants', printed)).status).toBe(401);
      const left = await call('delete', `/v1/api-keys/${second.body.id}`, second.body.key);
      expect(left.status).toBe(409);
    } finally {
      await runtime.stop();
    }
  });
});

describe('serving', () => {
  let runtime: RuntimeProcess;
  let partner: FakePartner;
  let call: Call;
  let t: TenantSetup;

  beforeAll(async () => {
    partner = await startFakePartner();
    runtime = await startRuntime();
    call = api(runtime);
    t = await standardSetup(call, partner.url, 'serving');
  });

  afterAll(async () => {
    await runtime?.stop();
    await partner?.close();
  });

  it('answers health probes without a key and serves OpenAPI at /docs', async () => {
    await call('get', '/health/live', '').expect(200, { status: 'ok' });
    const ready = await call('get', '/health/ready', '').expect(200);
    expect(ready.body.checks.database.ok).toBe(true);
    const docs = await call('get', '/docs', '').redirects(1);
    expect(docs.status).toBe(200);
    expect(docs.text).toContain('swagger');
    const spec = await call('get', '/docs-json', '').expect(200);
    expect(Object.keys(spec.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/installations/{id}/events',
        '/v1/connectors',
        '/hooks/{installationId}/{trigger}',
      ]),
    );
  });

  it('returns the correlation id it was given, or a new one', async () => {
    const given = await call('get', '/health/live', '').set('x-correlation-id', 'abc-123');
    expect(given.headers['x-correlation-id']).toBe('abc-123');
    const made = await call('get', '/health/live', '');
    expect(made.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('runs a draft definition through POST /v1/test-runs with a per-node trace, against the partner or recorded interactions', async () => {
    const draft = makeConnector(partner.url, { id: 'draft', version: '0.1.0' });
    partner.reset();
    const live = await call('post', '/v1/test-runs', t.key).send({
      definition: draft,
      action: 'send',
      input: { text: 'trial' },
      credentials: { token: 'draft-token' },
    });
    expect(live.status).toBe(200);
    expect(live.body).toMatchObject({
      status: 'succeeded',
      output: { ok: true, echo: { text: 'trial' } },
    });
    expect(live.body.trace.map((n: { id: string }) => n.id)).toEqual(['call', 'done']);
    expect(partner.requests).toHaveLength(1);
    expect(JSON.stringify(live.body)).not.toContain('draft-token');

    const recorded = await call('post', '/v1/test-runs', t.key).send({
      definition: draft,
      action: 'send',
      input: { text: 'offline' },
      interactions: [
        {
          request: { method: 'POST', path: '/messages' },
          response: { status: 200, body: { recorded: true } },
        },
      ],
    });
    expect(recorded.status).toBe(200);
    expect(recorded.body.output).toEqual({ recorded: true });
    expect(partner.requests).toHaveLength(1);

    const invalid = await call('post', '/v1/test-runs', t.key).send({
      definition: { ...draft, version: 'one' },
      action: 'send',
      input: {},
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.details.errors[0].pointer).toBe('/definition/version');
  });

  it('replays a synchronous run as a new run that names the original, audited', async () => {
    const first = await call('post', `/v1/installations/${t.installationId}/actions/send`, t.key)
      .send({ text: 'again please' })
      .expect(200);
    partner.reset();
    const replay = await call('post', `/v1/runs/${first.body.runId}/replay`, t.key).expect(200);
    expect(replay.body.replayOf).toBe(first.body.runId);
    expect(replay.body.runId).not.toBe(first.body.runId);
    expect(partner.requests.map((r) => r.body)).toEqual([{ text: 'again please' }]);
    const run = await call('get', `/v1/runs/${replay.body.runId}`, t.key).expect(200);
    expect(run.body).toMatchObject({ kind: 'replay', replayOf: first.body.runId });
    const audit = await call('get', '/v1/audit?action=run.replayed').expect(200);
    expect(audit.body.entries[0].targetId).toBe(first.body.runId);
  });

  it('answers a failing synchronous call with the run id and the engine code', async () => {
    partner.answerNext(1, { status: 404, body: { error: 'no such channel' } });
    const res = await call(
      'post',
      `/v1/installations/${t.installationId}/actions/send`,
      t.key,
    ).send({ text: 'doomed' });
    expect(res.status).toBe(502);
    expect(res.body.error).toMatchObject({
      code: 'RUN_FAILED',
      details: { code: 'PARTNER_PERMANENT', class: 'permanent' },
    });
    const run = await call('get', `/v1/runs/${res.body.error.details.runId}`, t.key).expect(200);
    expect(run.body.status).toBe('failed');
  });
});

describe('master key rotation', () => {
  it('re-wraps tenant data keys under a new master key, and the credentials keep working', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'plugboard-rotate-'));
    const partner = await startFakePartner();
    const oldKey = randomBytes(32).toString('hex');
    const newKey = randomBytes(32).toString('hex');
    try {
      let runtime = await startRuntime({ dataDir, env: { PLUGBOARD_MASTER_KEY: oldKey } });
      const t = await standardSetup(api(runtime), partner.url, 'rotating');
      await runtime.stop();

      const refused = startWith({
        PLUGBOARD_DATA_DIR: dataDir,
        PLUGBOARD_MASTER_KEY: newKey,
        PORT: '0',
      });
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toContain('PLUGBOARD_PREVIOUS_MASTER_KEY');

      runtime = await startRuntime({
        dataDir,
        env: { PLUGBOARD_MASTER_KEY: newKey, PLUGBOARD_PREVIOUS_MASTER_KEY: oldKey },
      });
      await api(runtime)('post', `/v1/installations/${t.installationId}/actions/send`, t.key)
        .send({ text: 'after rotation' })
        .expect(200);
      const audit = await api(runtime)('get', '/v1/audit?action=tenant.data-key-rewrapped').expect(
        200,
      );
      expect(audit.body.entries.map((e: { targetId: string }) => e.targetId)).toEqual([t.tenantId]);
      await runtime.stop();

      runtime = await startRuntime({ dataDir, env: { PLUGBOARD_MASTER_KEY: newKey } });
      partner.reset();
      await api(runtime)('post', `/v1/installations/${t.installationId}/actions/send`, t.key)
        .send({ text: 'new key only' })
        .expect(200);
      expect(partner.requests[0]?.headers.authorization).toBe('Bearer tok-rotating-secret-value');
      await runtime.stop();
    } finally {
      await partner.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
