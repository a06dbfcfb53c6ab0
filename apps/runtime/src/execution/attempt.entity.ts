import { Entity, PrimaryColumn } from 'typeorm';
import { IntColumn, JsonColumn, MsColumn, TextColumn } from '../database/columns.js';

/** One try of one item: which run carried it, which worker, and what the partner answered. */
@Entity('attempts')
export class AttemptEntity {
  @PrimaryColumn({ type: 'text' }) id: string;
  @TextColumn('event_id', true) eventId: string | null;
  @TextColumn('run_id') runId: string;
  @TextColumn('batch_id', true) batchId: string | null;
  @IntColumn('attempt') attempt: number;
  @TextColumn('worker') worker: string;
  @TextColumn('status') status: 'succeeded' | 'failed';
  @JsonColumn('error') error: unknown;
  @IntColumn('partner_status', true) partnerStatus: number | null;
  @MsColumn('started_at') startedAt: number;
  @MsColumn('finished_at') finishedAt: number;
  @TextColumn('correlation_id', true) correlationId?: string | null;
}
