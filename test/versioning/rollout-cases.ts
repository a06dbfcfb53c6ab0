// The roll-out cases, run against the embedded runtime on SQLite (rollout.spec.ts) and on
// PostgreSQL (rollout.postgres.spec.ts), since moves and rollbacks are conditional updates.
import { createClient } from '@plugboard/sdk';
import { describe, expect, it } from 'vitest';
import { makeTenant, publish } from '../support/api.js';
import type { Call } from '../support/api.js';
import { bundle } from '../support/factories.js';
import { actionsOf, eventuallyOn, expectedShare, put, v1, v11, versionOf } from './helpers.js';
import type { World } from './helpers.js';

export function describeRollouts(database: string, w: World): void {
  const call: Call = (...args) => w.call(...args);

  async function auditOf(action: string, targetId: string) {
    const res = await call('get', `/v1/audit?action=${action}&limit=500`).expect(200);
    return (
      res.body.entries as Array<{ targetId: string; details: Record<string, unknown> }>
    ).filter((e) => e.targetId === targetId);
  }

  describe(`roll-out of minor and patch versions (${database})`, () => {
    it('auto: a ^1.0.0 installation moves to 1.1.0 at publish, audited, and its next run says 1.1.0', async () => {
      await publish(call, v1(w.partner.url, 'roll-auto'));
      const { installationId, key } = await makeTenant(call, 'auto-tenant', 'roll-auto');
      const before = await call('get', `/v1/installations/${installationId}`).expect(200);
      expect(before.body).toMatchObject({ version: '1.0.0', range: '^1.0.0' });

      await publish(call, v11(w.partner.url, 'roll-auto'));
      await eventuallyOn(call, installationId, '1.1.0');
      expect((await call('get', `/v1/installations/${installationId}`)).body.range).toBe('^1.0.0');
      const moves = await auditOf('installation.rolled-out', installationId);
      expect(moves).toHaveLength(1);
      expect(moves[0]!.details).toMatchObject({ from: '1.0.0', to: '1.1.0', policy: 'auto' });

      const invoked = await call('post', `/v1/installations/${installationId}/actions/send`, key)
        .send({ text: 'hi', priority: 'high' })
        .expect(200);
      const run = await call('get', `/v1/runs/${invoked.body.runId}`, key).expect(200);
      expect(run.body.connectorVersion).toBe('1.1.0');
    });

    it('manual: the installation stays on 1.0.0 with the roll-out pending until it is raised, and a rollback puts it back', async () => {
      await publish(call, v1(w.partner.url, 'roll-manual'));
      await put(w, '/v1/connectors/roll-manual/rollout-policy')
        .send({ policy: 'manual' })
        .expect(200);
      const { installationId, key } = await makeTenant(call, 'manual-tenant', 'roll-manual');
      await publish(call, v11(w.partner.url, 'roll-manual'));

      const status = await call(
        'get',
        `/v1/installations/${installationId}/versioning`,
        key,
      ).expect(200);
      expect(status.body).toMatchObject({
        version: '1.0.0',
        range: '^1.0.0',
        pendingRollouts: [{ version: '1.1.0', policy: 'manual', percent: 0, state: 'active' }],
      });
      expect(await versionOf(call, installationId)).toBe('1.0.0');
      // A tenant sees its own pending roll-outs, never the cross-tenant counts of a roll-out.
      await call('get', '/v1/connectors/roll-manual/versions/1.1.0/rollout', key).expect(403);
      const client = createClient({ url: w.runtime.url, key });
      expect(await client.installations.versioning(installationId)).toMatchObject({
        version: '1.0.0',
        range: '^1.0.0',
        pendingRollouts: [{ version: '1.1.0', policy: 'manual' }],
      });

      const raised = await call('post', '/v1/connectors/roll-manual/versions/1.1.0/rollout')
        .send({ percent: 100 })
        .expect(200);
      expect(raised.body).toMatchObject({ percent: 100, state: 'complete', moved: 1 });
      await eventuallyOn(call, installationId, '1.1.0');

      await call('post', '/v1/connectors/roll-manual/versions/1.1.0/rollout')
        .send({ action: 'rollback' })
        .expect(200);
      await eventuallyOn(call, installationId, '1.0.0');
      expect(await auditOf('installation.rolled-back', installationId)).toHaveLength(1);
    });

    it('staged: 20 installations at 50% move exactly the deterministic half; halt stops raising, rollback restores all', async () => {
      await publish(call, v1(w.partner.url, 'roll-staged'));
      await put(w, '/v1/connectors/roll-staged/rollout-policy')
        .send({ policy: 'staged', initialPercent: 0 })
        .expect(200);
      const first = await makeTenant(call, 'staged-tenant', 'roll-staged');
      const ids = [first.installationId];
      for (let i = 1; i < 20; i++) {
        const res = await call('post', '/v1/installations', first.key)
          .send({
            connectorId: 'roll-staged',
            config: { region: 'eu' },
            credentials: { token: `tok-${i}` },
          })
          .expect(201);
        ids.push(res.body.id as string);
      }
      await publish(call, v11(w.partner.url, 'roll-staged'));
      const started = await call('get', '/v1/connectors/roll-staged/versions/1.1.0/rollout').expect(
        200,
      );
      expect(started.body).toMatchObject({ policy: 'staged', percent: 0, eligible: 20, moved: 0 });

      const raised = await call('post', '/v1/connectors/roll-staged/versions/1.1.0/rollout')
        .send({ percent: 50 })
        .expect(200);
      expect(raised.body).toMatchObject({ percent: 50, moved: 10, state: 'active' });
      const expected = expectedShare(ids, '1.1.0', 50);
      expect(expected).toHaveLength(10);
      const onNew = async () => {
        const versions = await Promise.all(ids.map((id) => versionOf(call, id)));
        return ids.filter((_, i) => versions[i] === '1.1.0').sort();
      };
      await new Promise((r) => setTimeout(r, 1100));
      expect(await onNew()).toEqual(expected);

      await call('post', '/v1/connectors/roll-staged/versions/1.1.0/rollout')
        .send({ action: 'halt' })
        .expect(200);
      const refused = await call('post', '/v1/connectors/roll-staged/versions/1.1.0/rollout').send({
        percent: 80,
      });
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('ROLLOUT_STATE_CONFLICT');
      expect(refused.body.error.message).toMatch(/resume/);

      await call('post', '/v1/connectors/roll-staged/versions/1.1.0/rollout')
        .send({ action: 'rollback' })
        .expect(200);
      await new Promise((r) => setTimeout(r, 1100));
      expect(await onNew()).toEqual([]);
      const rolledBack = await Promise.all(
        expected.map((id) => auditOf('installation.rolled-back', id)),
      );
      expect(rolledBack.every((entries) => entries.length === 1)).toBe(true);
    });

    it('refuses 1.2.0 when it removes an input field, and rolls nothing out', async () => {
      await publish(call, v1(w.partner.url, 'roll-gate'));
      await publish(call, v11(w.partner.url, 'roll-gate'));
      const removed = structuredClone(v11(w.partner.url, 'roll-gate'));
      removed.version = '1.2.0';
      delete actionsOf(removed).send!.input.properties.n;
      const res = await call('post', '/v1/connectors').send(bundle(removed));
      expect(res.status).toBe(422);
      expect(res.body.report.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ code: 'VERSION_BUMP_TOO_SMALL' })]),
      );
      expect((await call('get', '/v1/connectors/roll-gate/versions/1.2.0/rollout')).status).toBe(
        404,
      );
    });
  });
}
