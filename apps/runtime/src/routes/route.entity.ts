import { Entity, PrimaryColumn } from 'typeorm';
import { IntColumn, JsonColumn, MsColumn, TextColumn } from '../database/columns.js';

/** Joins a trigger of one installation to an action of another (or the same), in one tenant. */
@Entity('routes')
export class RouteEntity {
  @PrimaryColumn({ type: 'text' }) id: string;
  @TextColumn('tenant_id') tenantId: string;
  @TextColumn('name') name: string;
  @TextColumn('source_installation_id') sourceInstallationId: string;
  @TextColumn('source_trigger') sourceTrigger: string;
  /** webhook or poll, copied from the definition so the scheduler finds poll sources by query. */
  @TextColumn('source_kind') sourceKind: string;
  @TextColumn('target_installation_id') targetInstallationId: string;
  @TextColumn('target_action') targetAction: string;
  @TextColumn('filter', true) filter: string | null;
  @TextColumn('mapping') mapping: string;
  @TextColumn('ordering_key', true) orderingKey: string | null;
  /** JSONata giving the source's own order (timestamp or counter) within a key; stale events drop. */
  @TextColumn('ordering_sequence', true) orderingSequence: string | null;
  @JsonColumn('sample') sample: unknown;
  @IntColumn('enabled') enabled: number;
  @MsColumn('created_at') createdAt: number;
  @MsColumn('updated_at') updatedAt: number;
}
