import { Entity, PrimaryColumn } from 'typeorm';
import { IntColumn, JsonColumn, MsColumn, TextColumn } from '../database/columns.js';

export interface BatchItemOutcome {
  index: number;
  eventId: string;
  status: 'ok' | 'failed';
  output?: unknown;
  error?: { code: string; message: string };
}

@Entity('batches')
export class BatchEntity {
  @PrimaryColumn({ type: 'text' }) id: string;
  @TextColumn('tenant_id') tenantId: string;
  @TextColumn('installation_id') installationId: string;
  @TextColumn('connector_version') connectorVersion: string;
  @TextColumn('action') action: string;
  /** Event ids in the order they were sent to the partner. */
  @JsonColumn('event_ids', false) eventIds: string[];
  /** sha256 over the ordered item ids and body hashes: the same batch always has the same checksum. */
  @TextColumn('checksum') checksum: string;
  @IntColumn('size') size: number;
  @TextColumn('status') status: 'running' | 'succeeded' | 'partial' | 'failed';
  @JsonColumn('outcomes') outcomes: BatchItemOutcome[] | null;
  @TextColumn('run_id', true) runId: string | null;
  @TextColumn('correlation_id') correlationId: string;
  @MsColumn('created_at') createdAt: number;
  @MsColumn('finished_at', true) finishedAt: number | null;
}
