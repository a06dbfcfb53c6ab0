import { Entity, PrimaryColumn } from 'typeorm';
import { MsColumn, TextColumn } from '../database/columns.js';

@Entity('connectors')
export class ConnectorEntity {
  @PrimaryColumn({ type: 'text' }) id: string;
  @TextColumn('name') name: string;
  @TextColumn('description', true) description: string | null;
  @TextColumn('latest_version') latestVersion: string;
  @MsColumn('created_at') createdAt: number;
  @MsColumn('updated_at') updatedAt: number;
}
