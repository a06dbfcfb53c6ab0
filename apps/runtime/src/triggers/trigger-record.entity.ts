import { Entity, PrimaryColumn } from 'typeorm';
import { JsonColumn, MsColumn, TextColumn } from '../database/columns.js';

/**
 * pending: committed, not yet fanned out to routes; routed: every route has its event (or its
 * refusal in `error`); empty/failed: markers of a webhook delivery that gave no records.
 */
export type TriggerRecordState = 'pending' | 'routed' | 'empty' | 'failed';

/** One record of a trigger (from a verified webhook or a poll), committed once per record key. */
@Entity('trigger_records')
export class TriggerRecordEntity {
  @PrimaryColumn({ type: 'text' }) id: string;
  @TextColumn('tenant_id') tenantId: string;
  @TextColumn('installation_id') installationId: string;
  @TextColumn('trigger_name') trigger: string;
  /** The partner's id of the record (or of the webhook delivery plus the record's index). */
  @TextColumn('record_key') recordKey: string;
  @TextColumn('source_event_id', true) sourceEventId: string | null;
  @JsonColumn('data') data: unknown;
  @TextColumn('correlation_id') correlationId: string;
  @TextColumn('state') state: TriggerRecordState;
  @JsonColumn('error') error: unknown;
  @MsColumn('created_at') createdAt: number;
  @MsColumn('routed_at', true) routedAt: number | null;
}
