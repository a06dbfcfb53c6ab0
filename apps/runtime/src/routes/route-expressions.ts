import { DomainError } from '../common/domain-error.js';
import { withDefinitionSchemas } from '../common/json-schema.js';
import type { ConnectorVersionEntity } from '../catalog/connector-version.entity.js';
import type { Engine } from '../platform/ports.js';

/** The engine's sandboxed JSONata (agreed interface); the runtime's port predates it. */
export type EvaluatingEngine = Engine & {
  evaluate?(key: string, expression: string, data: unknown): Promise<unknown>;
};

export class ExpressionError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** JSONata in the tenant's own isolate: mappings are tenant-written code. */
export async function evaluateIn(
  engine: EvaluatingEngine,
  tenantId: string,
  expression: string,
  data: unknown,
): Promise<unknown> {
  if (typeof engine.evaluate !== 'function') {
    throw new DomainError(
      'DEPENDENCY_UNAVAILABLE',
      'the engine has no evaluate(): build @plugboard/engine (npx turbo run build)',
    );
  }
  try {
    return await engine.evaluate(`routes:${tenantId}`, expression, data);
  } catch (error) {
    const code =
      error && typeof error === 'object' && 'code' in error ? String(error.code) : 'SANDBOX_ERROR';
    throw new ExpressionError(code, error instanceof Error ? error.message : String(error));
  }
}

/**
 * A route's ordering.sequence value as text that sorts like the value: non-negative numbers
 * zero-padded, strings (ISO timestamps, say) as they are.
 */
export function sortableSequence(value: string | number): string {
  if (typeof value === 'number' && value >= 0 && Number.isFinite(value))
    return `n:${value.toFixed(6).padStart(30, '0')}`;
  return `s:${String(value)}`;
}

/** JSONata truthiness: false, null, 0, '' and empty arrays drop a record. */
export function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(truthy);
  return value !== undefined && value !== null && value !== false && value !== 0 && value !== '';
}

export interface TriggerShape {
  kind?: string;
  title?: string;
  event?: unknown;
  eventId?: { header?: string; expression?: string };
  poll?: { intervalMs?: number; cursor?: { initial?: unknown; from?: string } };
  flow?: unknown;
}

export function triggerOf(
  definition: Record<string, unknown>,
  name: string,
): TriggerShape | undefined {
  const triggers = (definition.triggers ?? {}) as Record<string, TriggerShape>;
  return Object.hasOwn(triggers, name) ? triggers[name] : undefined;
}

/** The trigger's event schema with the definition's named schemas resolvable. */
export function eventSchemaOf(connector: ConnectorVersionEntity, trigger: TriggerShape): object {
  return withDefinitionSchemas(
    trigger.event ?? {},
    connector.definition.schemas as Record<string, unknown> | undefined,
  );
}

/**
 * Example events of a trigger: the event schema's `examples` (on the schema or the named schema it
 * references), else the records the connector's own contracts expect the trigger to give.
 */
export function exampleEvents(connector: ConnectorVersionEntity, name: string): unknown[] {
  const trigger = triggerOf(connector.definition, name);
  if (!trigger) return [];
  const event = (trigger.event ?? {}) as { examples?: unknown; $ref?: string };
  if (Array.isArray(event.examples) && event.examples.length > 0) return event.examples;
  const ref = typeof event.$ref === 'string' ? /^#\/schemas\/(.+)$/.exec(event.$ref) : null;
  const schemas = (connector.definition.schemas ?? {}) as Record<string, { examples?: unknown }>;
  const named = ref ? schemas[ref[1]!] : undefined;
  if (named && Array.isArray(named.examples) && named.examples.length > 0) return named.examples;
  const records: unknown[] = [];
  for (const contract of connector.contracts ?? []) {
    const c = contract as { trigger?: string; expect?: { output?: { records?: unknown } } };
    if (c.trigger === name && Array.isArray(c.expect?.output?.records))
      records.push(...c.expect.output.records);
  }
  return records;
}
