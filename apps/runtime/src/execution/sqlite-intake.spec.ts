import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventEntity } from './event.entity.js';
import { SqliteIntake } from './sqlite-intake.js';
import type { SqliteHandle } from './sqlite-intake.js';

const SCHEMA = `CREATE TABLE events (
  id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, installation_id TEXT NOT NULL, action TEXT NOT NULL,
  idempotency_key TEXT NOT NULL, body_hash TEXT NOT NULL, data TEXT NULL, schema_version TEXT NULL,
  state TEXT NOT NULL, enqueued INTEGER NOT NULL, lease_owner TEXT NULL, lease_expires_at BIGINT NULL,
  next_attempt_at BIGINT NOT NULL, attempts INTEGER NOT NULL, correlation_id TEXT NOT NULL, source TEXT NULL,
  last_run_id TEXT NULL, last_batch_id TEXT NULL, output TEXT NULL, error TEXT NULL, response TEXT NULL,
  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, UNIQUE (installation_id, idempotency_key))`;

// What the intake path leaves empty or zero on a new event.
const UNSET = {
  ...Object.fromEntries(
    ['leaseOwner', 'leaseExpiresAt', 'lastRunId', 'lastBatchId', 'output', 'error', 'response'].map(
      (k) => [k, null],
    ),
  ),
  ...Object.fromEntries(['nextAttemptAt', 'attempts', 'createdAt', 'updatedAt'].map((k) => [k, 0])),
} as Pick<
  EventEntity,
  | 'leaseOwner'
  | 'leaseExpiresAt'
  | 'lastRunId'
  | 'lastBatchId'
  | 'output'
  | 'error'
  | 'response'
  | 'nextAttemptAt'
  | 'attempts'
  | 'createdAt'
  | 'updatedAt'
>;

function event(key: string): EventEntity {
  return {
    id: `evt_${key}`,
    tenantId: 'ten_1',
    installationId: 'ins_1',
    action: 'send',
    idempotencyKey: key,
    bodyHash: 'h',
    data: { key },
    schemaVersion: '1.0.0',
    state: 'queued',
    enqueued: 1,
    correlationId: 'c',
    source: 'api',
    ...UNSET,
  };
}

const dirs: string[] = [];
const open: Database.Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function fileDatabase(): { path: string; db: Database.Database } {
  const dir = mkdtempSync(join(tmpdir(), 'sqlite-intake-'));
  dirs.push(dir);
  const path = join(dir, 'plugboard.db');
  const db = new Database(path);
  open.push(db);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(SCHEMA);
  return { path, db };
}

function keysIn(path: string): string[] {
  const reader = new Database(path, { readonly: true });
  try {
    return (
      reader.prepare('SELECT idempotency_key FROM events ORDER BY id').all() as Array<{
        idempotency_key: string;
      }>
    ).map((r) => r.idempotency_key);
  } finally {
    reader.close();
  }
}

describe('SqliteIntake group commit', () => {
  it('answers each request of a group once its events are committed, and a clash only fails its own request', async () => {
    const { path, db } = fileDatabase();
    const intake = new SqliteIntake(db as unknown as SqliteHandle);
    const results = await Promise.allSettled([
      intake.commit([event('a'), event('b')], []),
      intake.commit([event('c')], []),
      intake.commit([{ ...event('a'), id: 'evt_other' }], []),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect(keysIn(path)).toEqual(['a', 'b', 'c']);
  });

  it('does not fold a group into a transaction another caller left open on the connection', async () => {
    const { path, db } = fileDatabase();
    const intake = new SqliteIntake(db as unknown as SqliteHandle);
    db.exec('BEGIN');
    let answered = false;
    const accepted = intake.commit([event('a')], []).then(() => {
      answered = true;
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(answered).toBe(false);
    // The other caller's work is rolled back; the accepted event must not go with it.
    db.exec('ROLLBACK');
    await accepted;
    expect(keysIn(path)).toEqual(['a']);
  });

  it('commits on an in-memory database, where there is no WAL file to sync', async () => {
    const db = new Database(':memory:');
    open.push(db);
    db.exec(SCHEMA);
    const intake = new SqliteIntake(db as unknown as SqliteHandle);
    await intake.commit([event('a')], []);
    expect(db.prepare('SELECT COUNT(*) AS n FROM events').get()).toEqual({ n: 1 });
  });
});
