import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { openDatabase } from '../database/data-source.js';
import type { EventEntity, EventState } from './event.entity.js';
import { EventRepository } from './event.repository.js';

// The dispatcher's look-ups on a real SQLite file with the real migrations: which groups have due
// work, and how much of one group is due.

let dir: string;
let db: DataSource;
let events: EventRepository;
let sequence = 0;

function item(
  installationId: string,
  action: string,
  state: EventState,
  createdAt: number,
  extra: Partial<EventEntity> = {},
): EventEntity {
  sequence += 1;
  const id = `evt_${String(sequence).padStart(6, '0')}`;
  return {
    id,
    tenantId: 'ten_1',
    installationId,
    action,
    idempotencyKey: id,
    bodyHash: 'h',
    data: null,
    schemaVersion: '1.0.0',
    state,
    enqueued: 1,
    leaseOwner: null,
    leaseExpiresAt: null,
    nextAttemptAt: createdAt,
    attempts: 0,
    correlationId: 'c',
    source: 'api',
    lastRunId: null,
    lastBatchId: null,
    output: null,
    error: null,
    response: null,
    createdAt,
    updatedAt: createdAt,
    ...extra,
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'event-repository-'));
  db = await openDatabase(loadConfig({ PLUGBOARD_DATA_DIR: dir }, []));
  events = new EventRepository(db);
  const now = 1_000_000;
  const all = [
    // ins_a/send: three due items, the oldest at 100.
    item('ins_a', 'send', 'queued', 300),
    item('ins_a', 'send', 'queued', 100),
    item('ins_a', 'send', 'queued', 200),
    // ins_a/post: only a retry that is not due yet, and finished items.
    item('ins_a', 'post', 'queued', 50, { nextAttemptAt: now + 60_000 }),
    item('ins_a', 'post', 'succeeded', 10),
    // ins_b/send: a running item whose lease expired (its process died) is due again.
    item('ins_b', 'send', 'running', 150, { leaseOwner: 'gone', leaseExpiresAt: now - 1 }),
    // ins_b/post: a running item under a live lease is not.
    item('ins_b', 'post', 'running', 20, { leaseOwner: 'alive', leaseExpiresAt: now + 30_000 }),
    // ins_c/send: nothing open at all.
    item('ins_c', 'send', 'dead', 5),
    item('ins_c', 'send', 'failed', 6),
    // ins_d/send: a later group.
    item('ins_d', 'send', 'accepted', 400),
  ];
  await events.commitIntake(all, []);
  // Intake only ever writes new items; the leases are the dispatcher's, set here as it would.
  for (const e of all.filter((x) => x.leaseOwner !== null)) {
    await db.query(`UPDATE events SET lease_owner = ?, lease_expires_at = ? WHERE id = ?`, [
      e.leaseOwner,
      e.leaseExpiresAt,
      e.id,
    ]);
  }
});

afterAll(async () => {
  await db?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

describe('EventRepository due look-ups', () => {
  it('lists every group with due work, oldest due item first, and none without', async () => {
    expect(await events.dueGroups(1_000_000)).toEqual([
      { installationId: 'ins_a', action: 'send', oldest: 100 },
      { installationId: 'ins_b', action: 'send', oldest: 150 },
      { installationId: 'ins_d', action: 'send', oldest: 400 },
    ]);
  });

  it('keeps to the limit, taking the groups that waited longest', async () => {
    expect(await events.dueGroups(1_000_000, 2)).toEqual([
      { installationId: 'ins_a', action: 'send', oldest: 100 },
      { installationId: 'ins_b', action: 'send', oldest: 150 },
    ]);
  });

  it('finds a retry once it is due', async () => {
    // By then the live lease of ins_b/post has run out too.
    expect(await events.dueGroups(1_000_000 + 60_000)).toEqual([
      { installationId: 'ins_b', action: 'post', oldest: 20 },
      { installationId: 'ins_a', action: 'post', oldest: 50 },
      { installationId: 'ins_a', action: 'send', oldest: 100 },
      { installationId: 'ins_b', action: 'send', oldest: 150 },
      { installationId: 'ins_d', action: 'send', oldest: 400 },
    ]);
  });

  it('counts one group up to the cap and names its oldest due item', async () => {
    const group = { installationId: 'ins_a', action: 'send' };
    expect(await events.dueInGroup(group, 1_000_000, 100)).toEqual({ count: 3, oldest: 100 });
    expect(await events.dueInGroup(group, 1_000_000, 2)).toEqual({ count: 2, oldest: 100 });
    expect(
      await events.dueInGroup({ installationId: 'ins_c', action: 'send' }, 1_000_000, 100),
    ).toBeNull();
  });
});
