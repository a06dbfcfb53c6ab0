import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isPostgres } from '../database/data-source.js';

type Row = Record<string, unknown>;

export interface MismatchRow {
  id: string;
  tenantId: string;
  installationId: string;
  connectorId: string;
  connectorVersion: string;
  action: string;
  runId: string;
  correlationId: string;
  itemIndex: number | null;
  issues: unknown;
  createdAt: number;
}

export interface AlertRow {
  id: string;
  rule: string;
  key: string;
  tenantId: string | null;
  installationId: string | null;
  severity: string;
  state: 'firing' | 'resolved';
  summary: string;
  details: unknown;
  since: number;
  resolvedAt: number | null;
  updatedAt: number;
}

export interface SettledItem {
  installationId: string;
  action: string;
  state: string;
  createdAt: number;
  updatedAt: number;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const json = (v: unknown) =>
  v === null || v === undefined ? null : (JSON.parse(String(v)) as unknown);

function alertFrom(r: Row): AlertRow {
  return {
    id: String(r.id),
    rule: String(r.rule),
    key: String(r.alert_key),
    tenantId: (r.tenant_id as string | null) ?? null,
    installationId: (r.installation_id as string | null) ?? null,
    severity: String(r.severity),
    state: r.state === 'firing' ? 'firing' : 'resolved',
    summary: String(r.summary),
    details: json(r.details),
    since: Number(r.since),
    resolvedAt: num(r.resolved_at),
    updatedAt: Number(r.updated_at),
  };
}

/** Read-mostly queries over the execution tables, plus the observability module's own two tables. */
@Injectable()
export class ObservabilityRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  private async query(text: string, params: Record<string, unknown> = {}): Promise<Row[]> {
    const pg = isPostgres(this.db);
    const values: unknown[] = [];
    const sql = text.replace(/:([a-zA-Z]+)(\.\.\.)?/g, (_m, name: string) => {
      const value = params[name];
      const list = Array.isArray(value) ? value : [value];
      return list
        .map((v) => {
          values.push(v);
          return pg ? `$${values.length}` : '?';
        })
        .join(', ');
    });
    const result = (await this.db.query(sql, values)) as unknown;
    return (Array.isArray(result) ? result : []) as Row[];
  }

  async insertMismatches(rows: MismatchRow[]): Promise<void> {
    for (const m of rows) {
      await this.query(
        `INSERT INTO output_mismatches (id, tenant_id, installation_id, connector_id, connector_version, action,
         run_id, correlation_id, item_index, issues, created_at)
         VALUES (:id, :tenantId, :installationId, :connectorId, :connectorVersion, :action, :runId, :correlationId,
         :itemIndex, :issues, :createdAt)`,
        { ...m, issues: JSON.stringify(m.issues) },
      );
    }
  }

  /** Depth and oldest item owed work per connector:action. */
  async queues(): Promise<Array<{ queue: string; depth: number; oldest: number }>> {
    const rows = await this.query(
      `SELECT i.connector_id AS connector_id, e.action AS action, COUNT(*) AS n, MIN(e.created_at) AS oldest
       FROM events e JOIN installations i ON i.id = e.installation_id
       WHERE e.state IN ('accepted', 'queued', 'running') GROUP BY i.connector_id, e.action`,
    );
    return rows.map((r) => ({
      queue: `${String(r.connector_id)}:${String(r.action)}`,
      depth: Number(r.n),
      oldest: Number(r.oldest),
    }));
  }

  /** Depth and oldest item owed work per installation and action (alerts and health). */
  async installationQueues(installationId?: string): Promise<
    Array<{
      tenantId: string;
      installationId: string;
      action: string;
      depth: number;
      oldest: number;
    }>
  > {
    const rows = await this.query(
      `SELECT tenant_id, installation_id, action, COUNT(*) AS n, MIN(created_at) AS oldest FROM events
       WHERE state IN ('accepted', 'queued', 'running')${installationId ? ' AND installation_id = :installationId' : ''}
       GROUP BY tenant_id, installation_id, action`,
      { installationId },
    );
    return rows.map((r) => ({
      tenantId: String(r.tenant_id),
      installationId: String(r.installation_id),
      action: String(r.action),
      depth: Number(r.n),
      oldest: Number(r.oldest),
    }));
  }

  /** Items that reached a final state since `from`, oldest first (at most `limit`). */
  async settled(from: number, installationId?: string, limit = 50_000): Promise<SettledItem[]> {
    const rows = await this.query(
      `SELECT installation_id, action, state, created_at, updated_at FROM events
       WHERE state IN ('succeeded', 'failed', 'dead') AND updated_at >= :from
       ${installationId ? 'AND installation_id = :installationId' : ''} ORDER BY updated_at DESC LIMIT :limit`,
      { from, installationId, limit },
    );
    return rows.map((r) => ({
      installationId: String(r.installation_id),
      action: String(r.action),
      state: String(r.state),
      createdAt: Number(r.created_at),
      updatedAt: Number(r.updated_at),
    }));
  }

  /** Installations whose OAuth grant was refused on refresh: paused until someone reconnects them. */
  async needingReauth(): Promise<Array<{ id: string; tenantId: string; since: number }>> {
    const rows = await this.query(
      `SELECT id, tenant_id, updated_at FROM installations WHERE status = 'needs_reauth'`,
    );
    return rows.map((r) => ({
      id: String(r.id),
      tenantId: String(r.tenant_id),
      since: Number(r.updated_at),
    }));
  }

  async tenantsOf(installationIds: string[]): Promise<Map<string, string>> {
    if (installationIds.length === 0) return new Map();
    const rows = await this.query(`SELECT id, tenant_id FROM installations WHERE id IN (:ids...)`, {
      ids: installationIds,
    });
    return new Map(rows.map((r) => [String(r.id), String(r.tenant_id)]));
  }

  async lastSuccess(installationId: string): Promise<number | null> {
    const [r] = await this.query(
      `SELECT MAX(finished_at) AS at FROM runs WHERE installation_id = :installationId AND status = 'succeeded'`,
      { installationId },
    );
    return num(r?.at);
  }

  /** Attempts per installation since `from`: all of them, and those that were a retry (attempt > 1). */
  async attemptCounts(
    from: number,
  ): Promise<Array<{ installationId: string; attempts: number; retries: number; failed: number }>> {
    const rows = await this.query(
      `SELECT e.installation_id AS installation_id, COUNT(*) AS n,
       SUM(CASE WHEN a.attempt > 1 THEN 1 ELSE 0 END) AS retries,
       SUM(CASE WHEN a.status = 'failed' THEN 1 ELSE 0 END) AS failed
       FROM attempts a JOIN events e ON e.id = a.event_id WHERE a.started_at >= :from GROUP BY e.installation_id`,
      { from },
    );
    return rows.map((r) => ({
      installationId: String(r.installation_id),
      attempts: Number(r.n),
      retries: Number(r.retries ?? 0),
      failed: Number(r.failed ?? 0),
    }));
  }

  /** Batches finished since `from` with their per-item outcomes. */
  async batchesSince(from: number): Promise<
    Array<{
      tenantId: string;
      installationId: string;
      action: string;
      size: number;
      failed: number;
    }>
  > {
    const rows = await this.query(
      `SELECT tenant_id, installation_id, action, size, outcomes FROM batches
       WHERE finished_at IS NOT NULL AND finished_at >= :from`,
      { from },
    );
    return rows.map((r) => {
      const outcomes = (json(r.outcomes) ?? []) as Array<{ status?: string }>;
      return {
        tenantId: String(r.tenant_id),
        installationId: String(r.installation_id),
        action: String(r.action),
        size: Number(r.size),
        failed: outcomes.filter((o) => o.status !== 'ok').length,
      };
    });
  }

  /** The newest mismatch per installation and action since `from`. */
  async latestMismatches(
    from: number,
  ): Promise<
    Array<{ tenantId: string; installationId: string; action: string; count: number; last: number }>
  > {
    const rows = await this.query(
      `SELECT tenant_id, installation_id, action, COUNT(*) AS n, MAX(created_at) AS last FROM output_mismatches
       WHERE created_at >= :from GROUP BY tenant_id, installation_id, action`,
      { from },
    );
    return rows.map((r) => ({
      tenantId: String(r.tenant_id),
      installationId: String(r.installation_id),
      action: String(r.action),
      count: Number(r.n),
      last: Number(r.last),
    }));
  }

  /** Succeeded runs of an installation's action after `after` whose output had no mismatch. */
  async cleanRunsAfter(installationId: string, action: string, after: number): Promise<number> {
    const [r] = await this.query(
      `SELECT COUNT(*) AS n FROM runs r WHERE r.installation_id = :installationId AND r.action = :action
       AND r.status = 'succeeded' AND r.finished_at > :after
       AND NOT EXISTS (SELECT 1 FROM output_mismatches m WHERE m.run_id = r.id)`,
      { installationId, action, after },
    );
    return Number(r?.n ?? 0);
  }

  // --- trace ---

  async eventsByCorrelation(correlationId: string, tenantId: string | null): Promise<Row[]> {
    return this.query(
      `SELECT * FROM events WHERE correlation_id = :correlationId${tenantId ? ' AND tenant_id = :tenantId' : ''}
       ORDER BY created_at, id LIMIT 1000`,
      { correlationId, tenantId },
    );
  }

  async eventsByKey(key: string, tenantId: string | null, installationId?: string): Promise<Row[]> {
    return this.query(
      `SELECT * FROM events WHERE (idempotency_key = :key OR idempotency_key LIKE :retired)
       ${tenantId ? 'AND tenant_id = :tenantId' : ''}${installationId ? ' AND installation_id = :installationId' : ''}
       ORDER BY created_at, id LIMIT 100`,
      { key, retired: `${key}~expired~%`, tenantId, installationId },
    );
  }

  async runsFor(
    correlationIds: string[],
    eventIds: string[],
    batchIds: string[],
    tenantId: string | null,
  ): Promise<Row[]> {
    const clauses: string[] = [];
    if (correlationIds.length > 0) clauses.push('correlation_id IN (:correlationIds...)');
    if (eventIds.length > 0) clauses.push('event_id IN (:eventIds...)');
    if (batchIds.length > 0) clauses.push('batch_id IN (:batchIds...)');
    if (clauses.length === 0) return [];
    return this.query(
      `SELECT id, tenant_id, installation_id, connector_id, connector_version, action, kind, status, event_id,
       batch_id, replay_of, error, calls, attempt, correlation_id, duration_ms, created_at, finished_at
       FROM runs WHERE (${clauses.join(' OR ')})${tenantId ? ' AND tenant_id = :tenantId' : ''}
       ORDER BY created_at, id LIMIT 2000`,
      { correlationIds, eventIds, batchIds, tenantId },
    );
  }

  async attemptsOf(eventIds: string[]): Promise<Row[]> {
    if (eventIds.length === 0) return [];
    return this.query(
      `SELECT * FROM attempts WHERE event_id IN (:eventIds...) ORDER BY started_at, attempt`,
      { eventIds },
    );
  }

  async batchesOf(batchIds: string[]): Promise<Row[]> {
    if (batchIds.length === 0) return [];
    return this.query(
      `SELECT id, size, checksum, status, event_ids, run_id, correlation_id, created_at, finished_at FROM batches
       WHERE id IN (:batchIds...)`,
      { batchIds },
    );
  }

  async mismatchesOf(runIds: string[]): Promise<Row[]> {
    if (runIds.length === 0) return [];
    return this.query(
      `SELECT run_id, item_index, issues, created_at FROM output_mismatches WHERE run_id IN (:runIds...)`,
      { runIds },
    );
  }

  // --- SLO objectives ---

  async sloObjectives(installationIds: string[]): Promise<Map<string, unknown>> {
    if (installationIds.length === 0) return new Map();
    const rows = await this.query(
      `SELECT installation_id, objectives FROM slo_objectives WHERE installation_id IN (:ids...)`,
      { ids: installationIds },
    );
    return new Map(rows.map((r) => [String(r.installation_id), json(r.objectives)]));
  }

  async putSloObjectives(
    installationId: string,
    tenantId: string,
    objectives: unknown,
    updatedBy: string,
  ): Promise<void> {
    const params = {
      installationId,
      tenantId,
      objectives: JSON.stringify(objectives),
      updatedBy,
      updatedAt: Date.now(),
    };
    await this.db.transaction(async (manager) => {
      const pg = isPostgres(this.db);
      const p = (i: number) => (pg ? `$${i}` : '?');
      await manager.query(`DELETE FROM slo_objectives WHERE installation_id = ${p(1)}`, [
        installationId,
      ]);
      await manager.query(
        `INSERT INTO slo_objectives (installation_id, tenant_id, objectives, updated_by, updated_at)
         VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)})`,
        [
          params.installationId,
          params.tenantId,
          params.objectives,
          params.updatedBy,
          params.updatedAt,
        ],
      );
    });
  }

  /** Takes or renews the named lease; true when `owner` holds it until `now + ttlMs`. */
  async holdLease(name: string, owner: string, now: number, ttlMs: number): Promise<boolean> {
    await this.query(
      `INSERT INTO observability_leases (name, owner, expires_at) VALUES (:name, :owner, :expires)
       ON CONFLICT (name) DO NOTHING`,
      { name, owner, expires: 0 },
    );
    const result = await this.query(
      `UPDATE observability_leases SET owner = :owner, expires_at = :expires
       WHERE name = :name AND (owner = :owner OR expires_at < :now) RETURNING owner`,
      { name, owner, expires: now + ttlMs, now },
    );
    // PostgreSQL answers [rows, affected] for UPDATE ... RETURNING, SQLite the rows.
    const rows = Array.isArray(result[0]) ? (result[0] as unknown[]) : result;
    return rows.length > 0;
  }

  // --- alerts ---

  async openAlerts(): Promise<AlertRow[]> {
    return (await this.query(`SELECT * FROM alerts WHERE state = 'firing'`)).map(alertFrom);
  }

  async listAlerts(
    tenantId: string | null,
    filter: { state?: string; since: number },
  ): Promise<AlertRow[]> {
    const rows = await this.query(
      `SELECT * FROM alerts WHERE (state = 'firing' OR resolved_at >= :since)
       ${filter.state ? 'AND state = :state' : ''}${tenantId ? ' AND tenant_id = :tenantId' : ''}
       ORDER BY since DESC, id LIMIT 500`,
      { since: filter.since, state: filter.state, tenantId },
    );
    return rows.map(alertFrom);
  }

  async insertAlert(a: AlertRow): Promise<void> {
    await this.query(
      `INSERT INTO alerts (id, rule, alert_key, tenant_id, installation_id, severity, state, summary, details,
       since, resolved_at, updated_at) VALUES (:id, :rule, :key, :tenantId, :installationId, :severity, :state,
       :summary, :details, :since, :resolvedAt, :updatedAt)`,
      { ...a, details: JSON.stringify(a.details ?? null) },
    );
  }

  async updateAlert(
    id: string,
    change: Pick<AlertRow, 'state' | 'summary' | 'details' | 'resolvedAt' | 'updatedAt'>,
  ): Promise<void> {
    await this.query(
      `UPDATE alerts SET state = :state, summary = :summary, details = :details, resolved_at = :resolvedAt,
       updated_at = :updatedAt WHERE id = :id`,
      { ...change, id, details: JSON.stringify(change.details ?? null) },
    );
  }
}
