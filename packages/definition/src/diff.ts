import semver from 'semver';
import { compareSchemas, type SchemaChange } from './diff-schema.js';
import type { Action, ConnectorDefinition, Trigger } from './generated/connector.generated.js';
import { canonicalJson } from './json.js';
import { decodeToken, pointerOf } from './issues.js';
import { isSchemaObject, walkSchema } from './schema-walk.js';

export type CompatibilityClass = 'compatible' | 'breaking';
export type Bump = 'major' | 'minor' | 'patch' | 'none';
export type CompatibilityMode = NonNullable<ConnectorDefinition['compatibility']>;

/** One difference between two versions of a definition. */
export interface DiffChange {
  /** JSON pointer of the changed value (in the new version; in the old one for removals). */
  pointer: string;
  /** What kind of change, e.g. `property-removed`, `enum-extended`, `action-added`. */
  change: string;
  class: CompatibilityClass;
  /** Why it is classified so, in words a changelog can show. */
  reason: string;
}

/** Result of {@link diff}. */
export interface DiffReport {
  changes: DiffChange[];
  /** The smallest version bump these changes need. */
  requiredBump: Bump;
  /** The compatibility mode applied (the new version's). */
  mode: CompatibilityMode;
  /** One changelog line per change, breaking first. */
  summary: string[];
}

/** Result of {@link checkVersionBump}. */
export interface VersionCheck {
  ok: boolean;
  requiredBump: Bump;
  actualBump: Bump;
  message: string;
}

type Direction = 'input' | 'output' | 'both';

interface Entry extends DiffChange {
  bump: Bump;
}

const RANK: Record<Bump, number> = { none: 0, patch: 1, minor: 2, major: 3 };

/**
 * Whether a schema change is allowed: inputs are read by the connector (old payloads must stay
 * valid under `backward`), outputs and events are read by consumers (so the check reverses).
 */
function allowed(effect: SchemaChange, direction: Direction, mode: CompatibilityMode): boolean {
  if (mode === 'none') return true;
  // A schema both read as input and written as output is checked in both directions.
  if (direction === 'both') return !effect.widens && !effect.narrows;
  const checkBackward = mode === 'backward' || mode === 'full';
  const checkForward = mode === 'forward' || mode === 'full';
  // For an input, backward ("old payloads still accepted") fails when the schema narrows; for an
  // output the roles swap: consumers of the old version must accept what the new one produces.
  const failsBackward = direction === 'output' ? effect.widens : effect.narrows;
  const failsForward = direction === 'output' ? effect.narrows : effect.widens;
  return !(checkBackward && failsBackward) && !(checkForward && failsForward);
}

function directionWords(direction: Direction, mode: CompatibilityMode): string {
  if (direction === 'input') {
    return mode === 'forward'
      ? 'payloads written for the new version could be refused by the previous one'
      : mode === 'full'
        ? 'payloads must stay valid under both versions'
        : 'payloads valid for the previous version could be refused';
  }
  if (direction === 'output') {
    return mode === 'forward'
      ? 'consumers written for the new version could not read what the previous one produced'
      : mode === 'full'
        ? 'outputs must stay valid under both versions'
        : 'consumers of the previous version could receive values they do not accept';
  }
  return 'the schema is used by both inputs and outputs, so it may only change in documentation';
}

class Differ {
  readonly entries: Entry[] = [];
  readonly mode: CompatibilityMode;
  private readonly usage: Map<string, Direction>;

  constructor(
    private readonly before: ConnectorDefinition,
    private readonly after: ConnectorDefinition,
  ) {
    this.mode = after.compatibility ?? 'backward';
    this.usage = schemaUsage(before, after);
  }

  add(pointer: string, change: string, cls: CompatibilityClass, bump: Bump, reason: string): void {
    this.entries.push({ pointer, change, class: cls, bump, reason });
  }

  run(): void {
    const { before: b, after: a } = this;
    if (b.id !== a.id)
      this.add(
        '/id',
        'id-changed',
        'breaking',
        'major',
        `the connector id changed from "${b.id}" to "${a.id}"; a new id is a new connector`,
      );
    for (const key of ['name', 'description', 'categories', 'publisher', 'icon'] as const) {
      if (!equal(b[key], a[key]))
        this.add(
          `/${key}`,
          'metadata-changed',
          'compatible',
          'patch',
          `catalog \`${key}\` changed`,
        );
    }
    if (!equal(b.base, a.base))
      this.add(
        '/base',
        'base-changed',
        'compatible',
        'patch',
        'the base URL, allowed hosts or default headers changed',
      );
    this.auth();
    if (!equal(b.limits, a.limits))
      this.add('/limits', 'limits-changed', 'compatible', 'patch', 'partner limits changed');
    if (!equal(b.migrations, a.migrations))
      this.add(
        '/migrations',
        'migrations-changed',
        'compatible',
        'patch',
        'payload migrations changed',
      );
    if (!equal(b.compatibility, a.compatibility)) {
      this.add(
        '/compatibility',
        'compatibility-changed',
        'compatible',
        'patch',
        `compatibility mode went from ${b.compatibility ?? 'backward'} to ${a.compatibility ?? 'backward'}`,
      );
    }
    if (!equal(b.deprecation, a.deprecation)) {
      this.add(
        '/deprecation',
        a.deprecation ? 'deprecated' : 'undeprecated',
        'compatible',
        'patch',
        a.deprecation
          ? `version deprecated: ${a.deprecation.message}`
          : 'the deprecation was lifted',
      );
    }
    this.schema('/config', b.config, a.config, 'input', 'installation config');
    const oldSchemas = b.schemas ?? {};
    const newSchemas = a.schemas ?? {};
    for (const name of new Set([...Object.keys(oldSchemas), ...Object.keys(newSchemas)])) {
      const at = pointerOf('schemas', name);
      if (!(name in newSchemas)) {
        // A named schema still referenced would fail validation; an unused one can go.
        this.add(
          at,
          'schema-removed',
          'compatible',
          'patch',
          `named schema \`${name}\` was removed (no longer referenced)`,
        );
      } else if (!(name in oldSchemas)) {
        this.add(at, 'schema-added', 'compatible', 'minor', `named schema \`${name}\` was added`);
      } else {
        this.schema(
          at,
          oldSchemas[name],
          newSchemas[name],
          this.usage.get(name),
          `schema \`${name}\``,
        );
      }
    }
    this.operations('actions', b.actions ?? {}, a.actions ?? {});
    this.operations('triggers', b.triggers ?? {}, a.triggers ?? {});
  }

  private auth(): void {
    const { auth: b } = this.before;
    const { auth: a } = this.after;
    if (equal(b, a)) return;
    // An apiKey placement moved into config with the old value as its default still places every
    // existing installation's key the same way.
    const strip = (auth: ConnectorDefinition['auth'], definition: ConnectorDefinition): unknown =>
      auth.type === 'apiKey'
        ? {
            ...auth,
            in: configDefault(auth.in, definition),
            name: configDefault(auth.name, definition),
            fields: undefined,
          }
        : { ...auth, fields: undefined };
    const oldFields = new Map((b.fields ?? []).map((field) => [field.name, field]));
    const newFields = new Map((a.fields ?? []).map((field) => [field.name, field]));
    if (!equal(strip(b, this.before), strip(a, this.after))) {
      this.add(
        '/auth',
        'auth-changed',
        'breaking',
        'major',
        `auth changed (${b.type} to ${a.type === b.type ? 'different settings' : a.type}): every installation must re-enter credentials`,
      );
    }
    for (const [name, field] of newFields) {
      const old = oldFields.get(name);
      const index = (a.fields ?? []).indexOf(field);
      const at = pointerOf('auth', 'fields', index);
      if (!old) {
        if (field.required === false)
          this.add(
            at,
            'secret-field-added',
            'compatible',
            'minor',
            `optional secret field \`${name}\` was added`,
          );
        else
          this.add(
            at,
            'secret-field-added',
            'breaking',
            'major',
            `required secret field \`${name}\` was added: existing installations do not have it`,
          );
      } else if (!equal(old, field)) {
        const tightened = old.required === false && field.required !== false;
        this.add(
          at,
          'secret-field-changed',
          tightened ? 'breaking' : 'compatible',
          tightened ? 'major' : 'patch',
          tightened
            ? `secret field \`${name}\` became required`
            : `secret field \`${name}\` changed in title or description`,
        );
      }
    }
    for (const [name] of oldFields) {
      if (!newFields.has(name)) {
        const index = (b.fields ?? []).findIndex((field) => field.name === name);
        this.add(
          pointerOf('auth', 'fields', index),
          'secret-field-removed',
          'breaking',
          'major',
          `secret field \`${name}\` was removed`,
        );
      }
    }
  }

  private schema(
    pointer: string,
    before: unknown,
    after: unknown,
    direction: Direction | undefined,
    what: string,
  ): void {
    if (equal(before, after)) return;
    const changes = compareSchemas(
      before ?? true,
      after ?? true,
      pointer,
      (ref) => resolve(this.before, ref),
      (ref) => resolve(this.after, ref),
    );
    for (const change of changes) {
      if (!change.widens && !change.narrows) {
        this.add(change.pointer, change.change, 'compatible', 'patch', `${what}: ${change.detail}`);
        continue;
      }
      if (direction === undefined) {
        this.add(
          change.pointer,
          change.change,
          'compatible',
          'patch',
          `${what}: ${change.detail}; the schema is not used by any input, output or event`,
        );
        continue;
      }
      const ok = allowed(change, direction, this.mode);
      const verdict = ok
        ? `compatible under ${this.mode} compatibility`
        : `breaking under ${this.mode} compatibility: ${directionWords(direction, this.mode)}`;
      this.add(
        change.pointer,
        change.change,
        ok ? 'compatible' : 'breaking',
        ok ? 'minor' : 'major',
        `${what}: ${change.detail} (${verdict})`,
      );
    }
  }

  private operations<T extends Action | Trigger>(
    kind: 'actions' | 'triggers',
    before: Record<string, T>,
    after: Record<string, T>,
  ): void {
    const noun = kind === 'actions' ? 'action' : 'trigger';
    for (const name of Object.keys(before)) {
      if (!(name in after)) {
        this.add(
          pointerOf(kind, name),
          `${noun}-removed`,
          'breaking',
          'major',
          `${noun} \`${name}\` was removed; installations and routes using it stop working`,
        );
      }
    }
    for (const name of Object.keys(after)) {
      const at = pointerOf(kind, name);
      const old = before[name];
      const next = after[name]!;
      if (old === undefined) {
        this.add(at, `${noun}-added`, 'compatible', 'minor', `${noun} \`${name}\` was added`);
        continue;
      }
      if (kind === 'actions') this.action(at, name, old as Action, next as Action);
      else this.trigger(at, name, old as Trigger, next as Trigger);
    }
  }

  private common(at: string, old: Action | Trigger, next: Action | Trigger): void {
    for (const key of ['title', 'description', 'deprecated', 'deprecationMessage'] as const) {
      if (!equal(old[key], next[key]))
        this.add(
          `${at}/${key}`,
          key.startsWith('deprecat') ? 'deprecation-changed' : 'metadata-changed',
          'compatible',
          'patch',
          `\`${key}\` changed`,
        );
    }
    if (!equal(old.flow, next.flow))
      this.add(
        `${at}/flow`,
        'flow-changed',
        'compatible',
        'patch',
        'the flow changed; its contract is the input and output schemas',
      );
  }

  private action(at: string, name: string, old: Action, next: Action): void {
    this.common(at, old, next);
    if ((old.urgency ?? 'realtime') !== (next.urgency ?? 'realtime')) {
      this.add(
        `${at}/urgency`,
        'urgency-changed',
        'breaking',
        'major',
        `action \`${name}\` went from ${old.urgency ?? 'realtime'} to ${next.urgency ?? 'realtime'}: callers send work differently`,
      );
    }
    if (!equal(old.batch, next.batch))
      this.add(`${at}/batch`, 'batch-changed', 'compatible', 'patch', 'batch settings changed');
    if (!equal(old.idempotencyKey, next.idempotencyKey))
      this.add(
        `${at}/idempotencyKey`,
        'idempotency-changed',
        'compatible',
        'patch',
        'the idempotency key expression changed',
      );
    this.schema(`${at}/input`, old.input, next.input, 'input', `input of \`${name}\``);
    this.schema(`${at}/output`, old.output, next.output, 'output', `output of \`${name}\``);
  }

  private trigger(at: string, name: string, old: Trigger, next: Trigger): void {
    this.common(at, old, next);
    if (old.kind !== next.kind) {
      this.add(
        `${at}/kind`,
        'trigger-kind-changed',
        'breaking',
        'major',
        `trigger \`${name}\` went from ${old.kind} to ${next.kind}`,
      );
      return;
    }
    const oldVerify = old.kind === 'webhook' ? old.verify : undefined;
    const newVerify = next.kind === 'webhook' ? next.verify : undefined;
    if (!equal(oldVerify, newVerify)) {
      this.add(
        `${at}/verify`,
        'verify-changed',
        'breaking',
        'major',
        'webhook verification changed: partners and installations must be set up again',
      );
    }
    if (!equal(old.eventId, next.eventId))
      this.add(
        `${at}/eventId`,
        'event-id-changed',
        'compatible',
        'patch',
        'where the event id is read changed',
      );
    if (old.kind === 'poll' && next.kind === 'poll' && !equal(old.poll, next.poll)) {
      this.add(
        `${at}/poll`,
        'poll-changed',
        'compatible',
        'patch',
        'poll schedule or cursor changed',
      );
    }
    this.schema(`${at}/event`, old.event, next.event, 'output', `event of \`${name}\``);
  }
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return canonicalJson(a) === canonicalJson(b);
}

function resolve(definition: ConnectorDefinition, ref: string): unknown {
  if (!ref.startsWith('#/schemas/')) return undefined;
  let current: unknown = definition.schemas;
  for (const token of ref.slice('#/schemas/'.length).split('/')) {
    if (!isSchemaObject(current)) return undefined;
    current = current[decodeToken(token)];
  }
  return current;
}

/** Which named schemas are read as input, written as output, or both (transitively, in either version). */
function schemaUsage(...definitions: ConnectorDefinition[]): Map<string, Direction> {
  const usage = new Map<string, Direction>();
  for (const definition of definitions) {
    const mark = (schema: unknown, direction: 'input' | 'output'): void => {
      const seen = new Set<string>();
      const queue: unknown[] = [schema];
      while (queue.length > 0) {
        walkSchema(queue.pop(), '', (node) => {
          if (typeof node.$ref !== 'string' || !node.$ref.startsWith('#/schemas/')) return;
          const name = decodeToken(node.$ref.slice('#/schemas/'.length).split('/')[0] ?? '');
          const current = usage.get(name);
          usage.set(name, current === undefined || current === direction ? direction : 'both');
          if (!seen.has(name)) {
            seen.add(name);
            queue.push(definition.schemas?.[name]);
          }
        });
      }
    };
    mark(definition.config, 'input');
    for (const action of Object.values(definition.actions ?? {})) {
      mark(action.input, 'input');
      mark(action.output, 'output');
    }
    for (const trigger of Object.values(definition.triggers ?? {})) mark(trigger.event, 'output');
  }
  return usage;
}

function summaryLine(change: DiffChange): string {
  return `${change.class === 'breaking' ? 'BREAKING ' : ''}${change.pointer || '/'}: ${change.reason}`;
}

/**
 * Compares two versions of a definition following DESIGN "Versioning" (Confluent Schema
 * Registry rules, in the new version's compatibility mode): one entry per change, each compatible
 * or breaking with its reason, and the version bump they require.
 */
export function diff(previous: ConnectorDefinition, next: ConnectorDefinition): DiffReport {
  const differ = new Differ(previous, next);
  differ.run();
  const entries = differ.entries;
  const requiredBump = entries.reduce<Bump>(
    (bump, entry) => (RANK[entry.bump] > RANK[bump] ? entry.bump : bump),
    'none',
  );
  const changes = entries.map(({ bump: _bump, ...change }) => change);
  const ordered = [...changes].sort(
    (x, y) => Number(y.class === 'breaking') - Number(x.class === 'breaking'),
  );
  return { changes, requiredBump, mode: differ.mode, summary: ordered.map(summaryLine) };
}

function bumpBetween(previous: string, next: string): Bump | 'downgrade' | 'invalid' {
  const [p, n] = [semver.parse(previous), semver.parse(next)];
  if (!p || !n) return 'invalid';
  const order = semver.compare(n, p);
  if (order === 0) return 'none';
  if (order < 0) return 'downgrade';
  if (n.major !== p.major) return 'major';
  if (n.minor !== p.minor) return 'minor';
  return 'patch';
}

/** Whether `next.version` is a large enough step from `previous.version` for the changes between them. */
export function checkVersionBump(
  previous: ConnectorDefinition,
  next: ConnectorDefinition,
): VersionCheck {
  const { requiredBump, changes } = diff(previous, next);
  const step = bumpBetween(previous.version, next.version);
  const breaking = changes.filter((change) => change.class === 'breaking').length;
  if (step === 'invalid') {
    return {
      ok: false,
      requiredBump,
      actualBump: 'none',
      message: `"${previous.version}" or "${next.version}" is not a semantic version`,
    };
  }
  if (step === 'downgrade') {
    return {
      ok: false,
      requiredBump,
      actualBump: 'none',
      message: `version ${next.version} is lower than ${previous.version}: versions only go up`,
    };
  }
  if (step === 'none') {
    const same = changes.length === 0;
    return {
      ok: same,
      requiredBump,
      actualBump: 'none',
      message: same
        ? `version ${next.version} is unchanged and so is the content`
        : `version ${next.version} already exists with other content: versions are immutable, publish ${suggest(previous.version, requiredBump === 'none' ? 'patch' : requiredBump)}`,
    };
  }
  const ok = RANK[step] >= RANK[requiredBump];
  const why = breaking > 0 ? ` (${breaking} breaking change${breaking === 1 ? '' : 's'})` : '';
  return {
    ok,
    requiredBump,
    actualBump: step,
    message: ok
      ? `${previous.version} -> ${next.version} is a ${step} bump; the changes need ${requiredBump === 'none' ? 'no bump' : `at least ${requiredBump}`}`
      : `${previous.version} -> ${next.version} is a ${step} bump, but the changes need a ${requiredBump} bump${why}: publish ${suggest(previous.version, requiredBump)}`,
  };
}

function suggest(version: string, bump: Bump): string {
  if (bump === 'none') return version;
  return semver.inc(version, bump) ?? version;
}

/** A Markdown changelog section for the step between two versions. */
export function changelog(report: DiffReport, from: string, to: string): string {
  const group = (title: string, list: DiffChange[]): string[] =>
    list.length === 0
      ? []
      : [
          `### ${title}`,
          ...list.map((change) => `- \`${change.pointer || '/'}\` ${change.reason}`),
          '',
        ];
  const breaking = report.changes.filter((change) => change.class === 'breaking');
  const compatible = report.changes.filter((change) => change.class === 'compatible');
  return [
    `## ${to} (from ${from}, ${report.requiredBump === 'none' ? 'no changes' : `${report.requiredBump} bump required`})`,
    '',
    ...group('Breaking', breaking),
    ...group('Compatible', compatible),
  ].join('\n');
}

/** A `{{ config.<path> }}` entry as the default of that config setting, else the entry itself. */
function configDefault(entry: string, definition: ConnectorDefinition): unknown {
  const path = /^\{\{\s*config((?:\.[A-Za-z_$][\w$]*)+)\s*\}\}$/.exec(entry)?.[1];
  if (path === undefined) return entry;
  let schema: unknown = definition.config;
  for (const key of path.slice(1).split('.')) {
    const properties = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
    schema = properties && Object.hasOwn(properties, key) ? properties[key] : undefined;
  }
  const value = (schema as { default?: unknown } | undefined)?.default;
  return value === undefined ? entry : value;
}
