import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import type { DataSourceOptions } from 'typeorm';
import type { RuntimeConfig } from '../config/config.js';
import { ApiKeyEntity } from '../api-keys/api-key.entity.js';
import { AuditEntity } from '../audit/audit.entity.js';
import { ConnectorVersionEntity } from '../catalog/connector-version.entity.js';
import { ConnectorEntity } from '../catalog/connector.entity.js';
import { ContractEntity } from '../catalog/contract.entity.js';
import { AttemptEntity } from '../execution/attempt.entity.js';
import { BatchEntity } from '../execution/batch.entity.js';
import { EventEntity } from '../execution/event.entity.js';
import { RunEntity } from '../execution/run.entity.js';
import { InstallationEntity } from '../installations/installation.entity.js';
import { TenantEntity } from '../tenants/tenant.entity.js';
import { InitialSchema1764806400000 } from './migrations/1764806400000-initial-schema.js';
import { OAuth1765000000000 } from './migrations/1765000000000-oauth.js';
import { OpenEventsIndex1764960000000 } from './migrations/1764960000000-open-events-index.js';
import { LeanEventIndexes1765100000000 } from './migrations/1765100000000-lean-event-indexes.js';
import { DropEventsWorkIndex1765200000000 } from './migrations/1765200000000-drop-events-work-index.js';
import { Versioning1764950400000 } from './migrations/1764950400000-versioning.js';
import {
  RolloutEntity,
  RolloutMoveEntity,
  RolloutPolicyEntity,
} from '../versioning/rollout.entity.js';
import { Observability1764910000000 } from './migrations/1764910000000-observability.js';
import { SloObjectives1764910000001 } from './migrations/1764910000001-slo-objectives.js';
import { ObservabilityLeases1764910000002 } from './migrations/1764910000002-observability-leases.js';
import { RoutesAndTriggers1764900000000 } from './migrations/1764900000000-routes-and-triggers.js';
import { RouteSequence1764903600000 } from './migrations/1764903600000-route-sequence.js';
import { RouteDeliveryEntity } from '../routes/route-delivery.entity.js';
import { RouteEntity } from '../routes/route.entity.js';
import { TriggerRecordEntity } from '../triggers/trigger-record.entity.js';
import { TriggerStateEntity } from '../triggers/trigger-state.entity.js';

export const ENTITIES = [
  TenantEntity,
  ApiKeyEntity,
  ConnectorEntity,
  ConnectorVersionEntity,
  ContractEntity,
  InstallationEntity,
  EventEntity,
  RunEntity,
  BatchEntity,
  AttemptEntity,
  AuditEntity,
  RouteEntity,
  RouteDeliveryEntity,
  TriggerRecordEntity,
  TriggerStateEntity,
  RolloutPolicyEntity,
  RolloutEntity,
  RolloutMoveEntity,
];

export const MIGRATIONS = [
  InitialSchema1764806400000,
  // TypeORM orders migrations by their timestamp, not by their place here.
  OAuth1765000000000,
  RoutesAndTriggers1764900000000,
  RouteSequence1764903600000,
  Observability1764910000000,
  SloObjectives1764910000001,
  ObservabilityLeases1764910000002,
  Versioning1764950400000,
  OpenEventsIndex1764960000000,
  LeanEventIndexes1765100000000,
  DropEventsWorkIndex1765200000000,
];

export function dataSourceOptions(config: RuntimeConfig): DataSourceOptions {
  if (config.databaseUrl) {
    return {
      type: 'postgres',
      url: config.databaseUrl,
      entities: ENTITIES,
      migrations: MIGRATIONS,
      migrationsRun: false,
      synchronize: false,
      extra: { max: 20 },
    };
  }
  mkdirSync(config.dataDir, { recursive: true });
  return {
    type: 'better-sqlite3',
    database: join(config.dataDir, 'plugboard.db'),
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    // WAL lets readers run while intake commits. NORMAL survives process crashes; the intake path
    // switches to FULL for its own group commits, so accepted events survive power loss too.
    prepareDatabase: (db: { pragma(sql: string): unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
    },
  };
}

export async function openDatabase(config: RuntimeConfig): Promise<DataSource> {
  const dataSource = new DataSource(dataSourceOptions(config));
  await dataSource.initialize();
  // Several processes may start at once in cluster mode; TypeORM's migration table plus a
  // transaction per migration keeps the schema change single.
  await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}

export function isPostgres(dataSource: DataSource): boolean {
  return dataSource.options.type === 'postgres';
}
