import { Entity, PrimaryColumn } from 'typeorm';
import { JsonColumn, MsColumn, TextColumn } from '../database/columns.js';

/**
 * waiting: mapped, held back while an earlier delivery of the same route and key is unfinished;
 * released: handed to intake (event_id set once committed); done: its event reached a final state.
 */
export type DeliveryState = 'waiting' | 'released' | 'done';

/** One mapped record of an ordered route. Ids start with the trigger record's time-ordered id. */
@Entity('route_deliveries')
export class RouteDeliveryEntity {
  @PrimaryColumn({ type: 'text' }) id: string;
  @TextColumn('tenant_id') tenantId: string;
  @TextColumn('route_id') routeId: string;
  @TextColumn('order_key') orderKey: string;
  /** Sortable text of the route's ordering.sequence for this record, or null. */
  @TextColumn('sequence', true) sequence: string | null;
  @TextColumn('target_installation_id') targetInstallationId: string;
  @TextColumn('target_action') targetAction: string;
  @TextColumn('idempotency_key') idempotencyKey: string;
  @JsonColumn('data') data: unknown;
  @TextColumn('correlation_id') correlationId: string;
  @TextColumn('state') state: DeliveryState;
  @TextColumn('event_id', true) eventId: string | null;
  @JsonColumn('error') error: unknown;
  @MsColumn('created_at') createdAt: number;
  @MsColumn('updated_at') updatedAt: number;
}
