import { Entity, PrimaryColumn } from 'typeorm';
import { IntColumn, JsonColumn, MsColumn, TextColumn } from '../database/columns.js';

/** Schedule, lease and durable cursor of one installation's poll trigger. */
@Entity('trigger_states')
export class TriggerStateEntity {
  @PrimaryColumn({ type: 'text', name: 'installation_id' }) installationId: string;
  @PrimaryColumn({ type: 'text', name: 'trigger_name' }) trigger: string;
  @TextColumn('tenant_id') tenantId: string;
  /** JSON text of the cursor; SQL NULL until the first successful poll (then poll.cursor.initial applies). */
  @TextColumn('cursor', true) cursor: string | null;
  @TextColumn('lease_owner', true) leaseOwner: string | null;
  @MsColumn('lease_expires_at', true) leaseExpiresAt: number | null;
  @MsColumn('next_poll_at') nextPollAt: number;
  @IntColumn('failures') failures: number;
  @JsonColumn('last_error') lastError: { code: string; message: string } | null;
  @MsColumn('last_polled_at', true) lastPolledAt: number | null;
  @MsColumn('last_success_at', true) lastSuccessAt: number | null;
  @IntColumn('records_total') recordsTotal: number;
}
