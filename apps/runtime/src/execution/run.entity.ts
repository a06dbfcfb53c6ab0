import { Entity, PrimaryColumn } from 'typeorm';
import { IntColumn, JsonColumn, MsColumn, TextColumn } from '../database/columns.js';

export type RunKind = 'action' | 'event' | 'batch' | 'webhook' | 'replay';
export type RunStatus = 'running' | 'succeeded' | 'failed';

@Entity('runs')
export class RunEntity {
  @PrimaryColumn({ type: 'text' }) id: string;
  @TextColumn('tenant_id') tenantId: string;
  @TextColumn('installation_id') installationId: string;
  @TextColumn('connector_id') connectorId: string;
  @TextColumn('connector_version') connectorVersion: string;
  @TextColumn('action') action: string;
  @TextColumn('kind') kind: RunKind;
  @TextColumn('status') status: RunStatus;
  @TextColumn('event_id', true) eventId: string | null;
  @TextColumn('batch_id', true) batchId: string | null;
  @TextColumn('replay_of', true) replayOf: string | null;
  @JsonColumn('input') input: unknown;
  @JsonColumn('output') output: unknown;
  @JsonColumn('error') error: unknown;
  @JsonColumn('trace') trace: unknown;
  @JsonColumn('calls') calls: unknown;
  @IntColumn('attempt') attempt: number;
  @TextColumn('correlation_id') correlationId: string;
  @IntColumn('duration_ms', true) durationMs: number | null;
  @MsColumn('created_at') createdAt: number;
  @MsColumn('finished_at', true) finishedAt: number | null;
}
