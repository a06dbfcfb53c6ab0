import { Entity, PrimaryColumn } from 'typeorm';
import { JsonColumn, MsColumn, TextColumn } from '../database/columns.js';

@Entity('audit_log')
export class AuditEntity {
  @PrimaryColumn({ type: 'text' }) id: string;
  @TextColumn('tenant_id', true) tenantId: string | null;
  @TextColumn('actor') actor: string;
  @TextColumn('action') action: string;
  @TextColumn('target_type') targetType: string;
  @TextColumn('target_id') targetId: string;
  @JsonColumn('details') details: unknown;
  @TextColumn('correlation_id', true) correlationId: string | null;
  @MsColumn('created_at') createdAt: number;
}
