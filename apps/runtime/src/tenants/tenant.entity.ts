import { Entity, PrimaryColumn } from 'typeorm';
import { MsColumn, TextColumn } from '../database/columns.js';

@Entity('tenants')
export class TenantEntity {
  @PrimaryColumn({ type: 'text' }) id: string;
  @TextColumn('name') name: string;
  /** The tenant's data key, AES-256-GCM wrapped by the master key: `v1.<iv>.<tag>.<ciphertext>` base64. */
  @TextColumn('data_key') dataKey: string;
  @MsColumn('created_at') createdAt: number;
}
