import { Entity, PrimaryColumn } from 'typeorm';
import { JsonColumn, MsColumn, TextColumn } from '../database/columns.js';

/** A consumer-driven contract: every later version of the connector must pass it to be published. */
@Entity('contracts')
export class ContractEntity {
  @PrimaryColumn({ type: 'text' }) id: string;
  @TextColumn('connector_id') connectorId: string;
  @TextColumn('consumer') consumer: string;
  @TextColumn('name') name: string;
  @JsonColumn('body', false) body: Record<string, unknown>;
  @TextColumn('created_by', true) createdBy: string | null;
  @MsColumn('created_at') createdAt: number;
}
