import { closeSync, fdatasync, open as openFd } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { EventEntity } from './event.entity.js';

// The embedded intake hot path. better-sqlite3 is synchronous, so a transaction run here is atomic
// with respect to the event loop; requests that arrive in the same turn, or while the previous
// commit's fsync is in flight, share one commit and one fsync (group commit).

interface Statement {
  run(...params: unknown[]): { changes: number };
  all(...params: unknown[]): unknown[];
}
export interface SqliteHandle {
  readonly name: string;
  readonly memory: boolean;
  readonly inTransaction: boolean;
  prepare(sql: string): Statement;
  pragma(sql: string, options?: { simple: boolean }): unknown;
  transaction<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
}

interface Pending {
  events: EventEntity[];
  retire: Array<{ id: string; key: string }>;
  resolve: () => void;
  reject: (error: unknown) => void;
  failed?: { error: unknown };
}

const INSERT = `INSERT INTO events (id, tenant_id, installation_id, action, idempotency_key, body_hash, data, schema_version,
  state, enqueued, lease_owner, lease_expires_at, next_attempt_at, attempts, correlation_id, source, last_run_id, last_batch_id,
  output, error, response, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, 0, ?, ?, NULL, NULL, NULL, NULL, ?, ?, ?)`;

const json = (value: unknown) =>
  value === null || value === undefined ? null : JSON.stringify(value);

function isConstraintError(error: unknown): boolean {
  return String((error as { code?: unknown } | null)?.code ?? '').startsWith('SQLITE_CONSTRAINT');
}

/** fsync of a directory through the libuv pool, so the event loop keeps serving while it runs. */
async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export class SqliteIntake {
  private pending: Pending[] = [];
  private scheduled = false;
  private readonly insert: Statement;
  private readonly retire: Statement;
  private readonly byKey = new Map<number, Statement>();
  private readonly claims = new Map<string, Statement>();
  private readonly finishStatement: Statement;
  private readonly writeOne: (p: Pending) => void;
  private readonly commitOne: (p: Pending) => void;
  private readonly commitAll: (group: Pending[]) => void;
  private readonly commitEach: (group: Pending[]) => void;
  /** The WAL file whose fsync makes a commit durable; null (in-memory or not WAL): FULL commits. */
  private readonly wal: string | null;
  private syncing = false;
  private walFd: number | null = null;
  private closing = false;

  constructor(private readonly db: SqliteHandle) {
    const journal = String(db.pragma('journal_mode', { simple: true })).toLowerCase();
    this.wal = !db.memory && journal === 'wal' ? `${db.name}-wal` : null;
    this.insert = db.prepare(INSERT);
    this.retire = db.prepare(`UPDATE events SET idempotency_key = ? WHERE id = ?`);
    this.finishStatement = db.prepare(
      `UPDATE events SET state = ?, output = ?, error = ?, lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = ?,
       last_run_id = ?, last_batch_id = ?, attempts = attempts - ?, updated_at = ? WHERE id = ? AND lease_owner = ?`,
    );
    this.writeOne = (p: Pending) => {
      for (const r of p.retire) this.retire.run(`${r.key}~expired~${r.id}`, r.id);
      for (const e of p.events) {
        this.insert.run(
          e.id,
          e.tenantId,
          e.installationId,
          e.action,
          e.idempotencyKey,
          e.bodyHash,
          json(e.data),
          e.schemaVersion,
          e.state,
          e.enqueued,
          e.nextAttemptAt,
          e.correlationId,
          e.source,
          json(e.response),
          e.createdAt,
          e.updatedAt,
        );
      }
    };
    // The usual group: one transaction, no savepoints.
    this.commitAll = db.transaction((group: Pending[]) => {
      for (const p of group) this.writeOne(p);
    });
    // After a clash in the group (two requests racing for one idempotency key), each request in its
    // own savepoint (nested better-sqlite3 transactions are savepoints): the clash rolls back that
    // request only, and the others in the group still commit.
    this.commitOne = db.transaction((p: Pending) => this.writeOne(p));
    this.commitEach = db.transaction((group: Pending[]) => {
      for (const p of group) {
        try {
          this.commitOne(p);
        } catch (error) {
          p.failed = { error };
        }
      }
    });
  }

  /** Commits the group; a constraint failure rolls it all back and retries request by request. */
  private write(group: Pending[]): void {
    try {
      this.commitAll(group);
    } catch (error) {
      if (group.length === 1 || !isConstraintError(error)) throw error;
      this.commitEach(group);
    }
  }

  /** The dispatcher's two hottest writes, as prepared statements (see EventRepository.claim/finish). */
  claim(sql: string, values: unknown[]): Array<Record<string, unknown>> {
    let statement = this.claims.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.claims.set(sql, statement);
    }
    return statement.all(...values) as Array<Record<string, unknown>>;
  }

  finish(values: {
    state: string;
    output: unknown;
    error: unknown;
    nextAttemptAt: number;
    lastRunId: string;
    lastBatchId: string | null;
    refundAttempt: boolean;
    id: string;
    owner: string;
  }): boolean {
    const result = this.finishStatement.run(
      values.state,
      json(values.output),
      json(values.error),
      values.nextAttemptAt,
      values.lastRunId,
      values.lastBatchId,
      values.refundAttempt ? 1 : 0,
      Date.now(),
      values.id,
      values.owner,
    );
    return result.changes > 0;
  }

  findByKeys(
    installationId: string,
    keys: string[],
  ): Array<{
    id: string;
    idempotency_key: string;
    body_hash: string;
    response: string | null;
    created_at: number;
  }> {
    let statement = this.byKey.get(keys.length);
    if (!statement) {
      statement = this.db.prepare(
        `SELECT id, idempotency_key, body_hash, response, created_at FROM events WHERE installation_id = ? AND idempotency_key IN (${keys.map(() => '?').join(',')})`,
      );
      if (keys.length <= 64) this.byKey.set(keys.length, statement);
    }
    return statement.all(installationId, ...keys) as Array<{
      id: string;
      idempotency_key: string;
      body_hash: string;
      response: string | null;
      created_at: number;
    }>;
  }

  commit(events: EventEntity[], retire: Array<{ id: string; key: string }>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ events, retire, resolve, reject });
      this.schedule();
    });
  }

  private flush(): void {
    // A TypeORM transaction left open across an await shares this connection: a group committed
    // now would only be a savepoint inside it, so wait until it has ended.
    if (this.db.inTransaction) {
      setTimeout(() => this.flush(), 1);
      return;
    }
    this.scheduled = false;
    if (this.pending.length === 0) return;
    if (this.wal === null) return this.flushFull(this.take());
    // Every answer waits for an fsync of the WAL that starts after its commit. While one is in
    // flight, committing sooner answers nobody sooner, so requests gather until it ends and then
    // share one commit: fewer, larger commits write each touched index page to the WAL once.
    if (this.syncing) return;
    const group = this.take();
    // The commit itself runs at the connection's NORMAL level (written to the WAL, not yet fsynced);
    // the fsync that follows is what FULL would have done inside the commit, but here it runs off
    // the event loop.
    try {
      this.write(group);
    } catch (error) {
      for (const p of group) p.reject(error);
      return;
    }
    const waiting: Pending[] = [];
    for (const p of group) {
      if (p.failed) p.reject(p.failed.error);
      else waiting.push(p);
    }
    this.syncWal(waiting);
  }

  private take(): Pending[] {
    const group = this.pending;
    this.pending = [];
    return group;
  }

  private syncWal(waiting: Pending[]): void {
    if (waiting.length === 0 || this.wal === null) return;
    this.syncing = true;
    this.syncOnce(this.wal)
      .then(
        () => {
          for (const p of waiting) p.resolve();
        },
        (error: unknown) => {
          for (const p of waiting) p.reject(error);
        },
      )
      .finally(() => {
        this.syncing = false;
        // Not at once: the requests read in this turn of the loop join the next commit too, which
        // made groups about half again as large (15 to 23 events at 50 connections, measured).
        if (this.closing) this.close();
        else this.schedule();
      });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private async syncOnce(wal: string): Promise<void> {
    if (this.walFd === null) {
      // Opened once and kept: the WAL file lives as long as this connection is open (SQLite
      // removes it only when the last connection closes), and every fsync is then a single trip
      // through the libuv pool instead of open, fsync and close, each waiting for a busy loop.
      this.walFd = await new Promise<number>((ok, fail) =>
        openFd(wal, 'r+', (error, fd) => (error ? fail(error) : ok(fd))),
      );
      // The WAL file's directory entry, once, so the file itself survives a power loss.
      await syncDirectory(dirname(wal));
    }
    const fd = this.walFd;
    await new Promise<void>((ok, fail) => fdatasync(fd, (error) => (error ? fail(error) : ok())));
  }

  /** Releases the kept WAL descriptor (after an fsync in flight); the connection is the data source's. */
  close(): void {
    if (this.syncing) {
      this.closing = true;
      return;
    }
    if (this.walFd !== null) closeSync(this.walFd);
    this.walFd = null;
  }

  private flushFull(group: Pending[]): void {
    // Accepted events must survive power loss, so their commit fsyncs (FULL); the connection's other
    // writes (runs, attempts, outcomes) stay NORMAL, durable across process crashes, because losing
    // one only re-runs an item under the same idempotency keys.
    try {
      this.db.pragma('synchronous = FULL');
      this.write(group);
    } catch (error) {
      for (const p of group) p.reject(error);
      return;
    } finally {
      this.db.pragma('synchronous = NORMAL');
    }
    // Answers go out only after the outer transaction committed.
    for (const p of group) {
      if (p.failed) p.reject(p.failed.error);
      else p.resolve();
    }
  }
}
