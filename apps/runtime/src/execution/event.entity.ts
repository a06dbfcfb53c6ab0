import { Entity, PrimaryColumn } from 'typeorm';
import { IntColumn, JsonColumn, MsColumn, TextColumn } from '../database/columns.js';

export type EventState = 'accepted' | 'queued' | 'running' | 'succeeded' | 'failed' | 'dead';

/** One intake item. Committed before the 202; the dispatcher leases it, so one process runs it at a time. */
@Entity('events')
export class EventEntity {
  @PrimaryColumn({ type: 'text' }) id: string;
  @TextColumn('tenant_id') tenantId: string;
  @TextColumn('installation_id') installationId: string;
  @TextColumn('action') action: string;
  @TextColumn('idempotency_key') idempotencyKey: string;
  @TextColumn('body_hash') bodyHash: string;
  @JsonColumn('data') data: unknown;
  @TextColumn('schema_version', true) schemaVersion: string | null;
  @TextColumn('state') state: EventState;
  @IntColumn('enqueued') enqueued: number;
  @TextColumn('lease_owner', true) leaseOwner: string | null;
  @MsColumn('lease_expires_at', true) leaseExpiresAt: number | null;
  @MsColumn('next_attempt_at') nextAttemptAt: number;
  @IntColumn('attempts') attempts: number;
  @TextColumn('correlation_id') correlationId: string;
  @TextColumn('source', true) source: string | null;
  @TextColumn('last_run_id', true) lastRunId: string | null;
  @TextColumn('last_batch_id', true) lastBatchId: string | null;
  @JsonColumn('output') output: unknown;
  @JsonColumn('error') error: { code: string; message: string; class?: string } | null;
  /** The first 202 answer, returned again for a repeated Idempotency-Key with the same body. */
  @JsonColumn('response') response: unknown;
  @MsColumn('created_at') createdAt: number;
  @MsColumn('updated_at') updatedAt: number;
}
