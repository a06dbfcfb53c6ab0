import { Entity, PrimaryColumn } from 'typeorm';
import { IntColumn, MsColumn, TextColumn } from '../database/columns.js';

export type RolloutPolicy = 'auto' | 'staged' | 'manual';
export type RolloutState = 'active' | 'halted' | 'complete' | 'rolled-back';

/** A connector's roll-out policy; applies to every later minor or patch publish. */
@Entity('rollout_policies')
export class RolloutPolicyEntity {
  @PrimaryColumn({ type: 'text', name: 'connector_id' }) connectorId: string;
  @TextColumn('policy') policy: RolloutPolicy;
  /** The share a staged roll-out starts with (0 to 100). */
  @IntColumn('initial_percent') initialPercent: number;
  @TextColumn('updated_by', true) updatedBy: string | null;
  @MsColumn('updated_at') updatedAt: number;
}

/** The roll-out of one published version to the installations whose range it satisfies. */
@Entity('rollouts')
export class RolloutEntity {
  /** `<connector>@<version>`, one roll-out per version. */
  @PrimaryColumn({ type: 'text' }) id: string;
  @TextColumn('connector_id') connectorId: string;
  @TextColumn('version') version: string;
  @TextColumn('policy') policy: RolloutPolicy;
  @IntColumn('percent') percent: number;
  @TextColumn('state') state: RolloutState;
  @MsColumn('created_at') createdAt: number;
  @MsColumn('updated_at') updatedAt: number;
}

/** One installation moved by a roll-out; kept so a rollback can put it back where it was. */
@Entity('rollout_moves')
export class RolloutMoveEntity {
  @PrimaryColumn({ type: 'text' }) id: string;
  @TextColumn('rollout_id') rolloutId: string;
  @TextColumn('installation_id') installationId: string;
  @TextColumn('from_version') fromVersion: string;
  @TextColumn('to_version') toVersion: string;
  @MsColumn('created_at') createdAt: number;
  @MsColumn('reverted_at', true) revertedAt: number | null;
}
