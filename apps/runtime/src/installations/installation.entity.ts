import { Entity, PrimaryColumn } from 'typeorm';
import { IntColumn, JsonColumn, MsColumn, TextColumn } from '../database/columns.js';

/** `needs_reauth`: the OAuth provider refused a refresh; deliveries wait for a reconnect. */
export type InstallationStatus = 'enabled' | 'disabled' | 'needs_reauth';

@Entity('installations')
export class InstallationEntity {
  @PrimaryColumn({ type: 'text' }) id: string;
  @TextColumn('tenant_id') tenantId: string;
  @TextColumn('connector_id') connectorId: string;
  @TextColumn('version_range') range: string;
  @TextColumn('version') version: string;
  @TextColumn('name', true) name: string | null;
  @JsonColumn('config', false) config: Record<string, unknown>;
  /** AES-256-GCM under the tenant data key, AAD = installation id and tenant id. Never leaves the service. */
  @TextColumn('credentials', true) credentials: string | null;
  @IntColumn('credentials_version') credentialsVersion: number;
  @JsonColumn('quotas') quotas: Record<string, unknown> | null;
  @TextColumn('status') status: InstallationStatus;
  @MsColumn('created_at') createdAt: number;
  @MsColumn('updated_at') updatedAt: number;
}
