import { Inject, Injectable } from '@nestjs/common';
import semver from 'semver';
import type { ConnectorVersionEntity } from '../catalog/connector-version.entity.js';
import type { PointerIssue } from '../common/json-schema.js';
import type { EventEntity } from '../execution/event.entity.js';
import { ENGINE } from '../platform/ports.js';
import type { Engine } from '../platform/ports.js';
import { VersioningRepository } from './versioning.repository.js';

interface Migration {
  from: string;
  target: string;
  expression?: string;
  aliases?: Record<string, string>;
}

/** The engine's JSONata entry; optional in the runtime's port until every build has it. */
interface Evaluating {
  evaluate?(key: string, expression: string, data: unknown): Promise<unknown>;
}

export interface MigrationOutcome {
  data: unknown;
  /** The versions whose migrations were applied, in order. */
  applied: Array<{ version: string; from: string; aliases: boolean; expression: boolean }>;
  issues: PointerIssue[];
}

/** The schema name an action's input refers to (`#/schemas/Name`), which a migration may target. */
function inputSchemaName(definition: Record<string, unknown>, action: string): string | null {
  const actions = (definition.actions ?? {}) as Record<string, { input?: { $ref?: unknown } }>;
  const ref = actions[action]?.input?.$ref;
  return typeof ref === 'string' && ref.startsWith('#/schemas/') ? ref.slice(10) : null;
}

function renamed(data: unknown, aliases: Record<string, string>): unknown {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return data;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    const next = aliases[key];
    // A payload that already carries the new name keeps it: the alias only fills a gap.
    if (next !== undefined && !(next in (data as Record<string, unknown>))) out[next] = value;
    else if (next === undefined) out[key] = value;
  }
  return out;
}

/**
 * Brings a payload written for an older version of a connector forward to the version it is about
 * to run on: every published version between the two, in order, applies its migrations whose `from`
 * covers the payload's current version and whose `target` is the action (or its input schema),
 * aliases first, then the JSONata expression (in the sandbox).
 */
@Injectable()
export class PayloadMigrationService {
  constructor(
    @Inject(VersioningRepository) private readonly repository: VersioningRepository,
    @Inject(ENGINE) private readonly engine: Engine,
  ) {}

  async forward(
    target: ConnectorVersionEntity,
    action: string,
    data: unknown,
    writtenFor: string | null | undefined,
    pointer = '',
  ): Promise<MigrationOutcome> {
    const outcome: MigrationOutcome = { data, applied: [], issues: [] };
    if (writtenFor === undefined || writtenFor === null || writtenFor === target.version)
      return outcome;
    if (!semver.valid(writtenFor)) {
      outcome.issues.push({
        pointer,
        code: 'SCHEMA_VERSION_INVALID',
        message: `Plugboard-Schema-Version "${writtenFor}" is not a semver version (e.g. 1.1.0)`,
      });
      return outcome;
    }
    // A payload written for a newer version than the installation runs is validated as it is.
    if (semver.gte(writtenFor, target.version)) return outcome;
    const steps = (await this.repository.versions(target.connectorId))
      .filter(
        (v) =>
          semver.valid(v.version) &&
          semver.gt(v.version, writtenFor) &&
          semver.lte(v.version, target.version),
      )
      .sort((a, b) => semver.compare(a.version, b.version));
    let current = writtenFor;
    for (const step of steps) {
      const names = new Set([action, inputSchemaName(step.definition, action)]);
      const migrations = ((step.definition.migrations ?? []) as Migration[]).filter(
        (m) => names.has(m.target) && semver.satisfies(current, m.from),
      );
      if (migrations.length === 0 && semver.major(step.version) > semver.major(current)) {
        // A major step with nothing to apply is only a gap if the payload no longer fits; intake
        // validates next and reports this if it does not.
        outcome.applied.push({
          version: step.version,
          from: current,
          aliases: false,
          expression: false,
        });
      }
      for (const migration of migrations) {
        if (migration.aliases) outcome.data = renamed(outcome.data, migration.aliases);
        if (migration.expression) {
          try {
            outcome.data = await this.evaluate(step, migration.expression, outcome.data);
          } catch (error) {
            outcome.issues.push({
              pointer,
              code: 'MIGRATION_FAILED',
              message: `the migration of ${action} in ${step.id} (from ${migration.from}) failed on this payload: ${error instanceof Error ? error.message : String(error)}`,
            });
            return outcome;
          }
        }
        outcome.applied.push({
          version: step.version,
          from: current,
          aliases: migration.aliases !== undefined,
          expression: migration.expression !== undefined,
        });
      }
      current = step.version;
    }
    return outcome;
  }

  /** The issue to add when the migrated payload still fails validation and a major step had no migration. */
  gapIssue(
    target: ConnectorVersionEntity,
    action: string,
    writtenFor: string,
    outcome: MigrationOutcome,
    pointer = '',
  ): PointerIssue | null {
    const gap = outcome.applied.find((a) => !a.aliases && !a.expression);
    if (!gap) return null;
    return {
      pointer,
      code: 'MIGRATION_GAP',
      message: `no migration brings a ${action} payload written for ${writtenFor} forward to ${target.connectorId}@${target.version}: the gap is ${gap.from} -> ${gap.version} (${target.connectorId}@${gap.version} declares no migration of ${action} whose "from" covers ${gap.from}); send the payload in the ${target.version} shape with Plugboard-Schema-Version: ${target.version}`,
    };
  }

  /**
   * Intake's step before validation: migrate, then validate with `check`; a payload that still
   * fails after crossing a major without a migration is refused naming that gap.
   */
  async prepare(
    target: ConnectorVersionEntity,
    action: string,
    data: unknown,
    writtenFor: string | null | undefined,
    pointer: string,
    check: (data: unknown) => PointerIssue[],
  ): Promise<{ data: unknown; issues: PointerIssue[] }> {
    const outcome = await this.forward(target, action, data, writtenFor, pointer);
    if (outcome.issues.length > 0) return { data, issues: outcome.issues };
    const invalid = check(outcome.data);
    const gap =
      invalid.length > 0 && writtenFor
        ? this.gapIssue(target, action, writtenFor, outcome, pointer)
        : null;
    return { data: outcome.data, issues: gap ? [gap, ...invalid] : invalid };
  }

  /**
   * A stored event's data in the shape of the version it is about to run on. One that cannot be
   * brought forward runs as stored, so the run fails validation with the connector's own errors.
   */
  async stored(
    target: ConnectorVersionEntity,
    event: Pick<EventEntity, 'action' | 'data' | 'schemaVersion'>,
  ): Promise<unknown> {
    const outcome = await this.forward(target, event.action, event.data, event.schemaVersion);
    return outcome.issues.length > 0 ? event.data : outcome.data;
  }

  private async evaluate(
    step: ConnectorVersionEntity,
    expression: string,
    data: unknown,
  ): Promise<unknown> {
    const engine = this.engine as Engine & Evaluating;
    if (typeof engine.evaluate !== 'function')
      throw new Error('the engine has no evaluate(): build @plugboard/engine');
    return engine.evaluate(`migrations:${step.id}`, expression, data);
  }
}
