import { Entity, PrimaryColumn } from 'typeorm';
import { IntColumn, JsonColumn, MsColumn, TextColumn } from '../database/columns.js';

/** One published version; never updated except for its deprecation marker. */
@Entity('connector_versions')
export class ConnectorVersionEntity {
  @PrimaryColumn({ type: 'text' }) id: string;
  @TextColumn('connector_id') connectorId: string;
  @TextColumn('version') version: string;
  @IntColumn('major') major: number;
  @TextColumn('digest') digest: string;
  @JsonColumn('definition', false) definition: Record<string, unknown>;
  @JsonColumn('contracts', false) contracts: unknown[];
  @TextColumn('readme', true) readme: string | null;
  @JsonColumn('report') report: unknown;
  @JsonColumn('deprecation') deprecation: { message: string; sunset?: string } | null;
  @TextColumn('published_by', true) publishedBy: string | null;
  @MsColumn('created_at') createdAt: number;
}
