import { Entity, PrimaryColumn } from 'typeorm';
import { JsonColumn, MsColumn, TextColumn } from '../database/columns.js';

@Entity('api_keys')
export class ApiKeyEntity {
  @PrimaryColumn({ type: 'text' }) id: string;
  @TextColumn('tenant_id', true) tenantId: string | null;
  @TextColumn('name', true) name: string | null;
  /** sha256 of the secret part of `pb_<id>_<secret>`; the key itself is shown once. */
  @TextColumn('secret_hash') secretHash: string;
  @JsonColumn('scopes', false) scopes: string[];
  @TextColumn('created_by', true) createdBy: string | null;
  @MsColumn('created_at') createdAt: number;
  @MsColumn('revoked_at', true) revokedAt: number | null;
}
