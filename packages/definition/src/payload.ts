import { createAjv, type AjvInstance } from './ajv.js';
import type { ConnectorDefinition } from './generated/connector.generated.js';
import type { Issue } from './issues.js';
import { isPatternSafe } from './regex-safety.js';
import { mapSchemaErrors } from './schema-errors.js';
import {
  SCHEMA_ARRAY_KEYWORDS,
  SCHEMA_MAP_KEYWORDS,
  SCHEMA_SINGLE_KEYWORDS,
  isSchemaObject,
  walkSchema,
} from './schema-walk.js';

/** Thrown when asked to compile a schema `validate` would have refused. */
export class UnsafeSchemaError extends Error {
  readonly code = 'PATTERN_UNSAFE';
}

function assertSafePatterns(schema: unknown): void {
  walkSchema(schema, '', (node, pointer) => {
    const patterns = [
      ...(typeof node.pattern === 'string' ? [node.pattern] : []),
      ...Object.keys(isSchemaObject(node.patternProperties) ? node.patternProperties : {}),
    ];
    for (const pattern of patterns) {
      if (!isPatternSafe(pattern)) {
        throw new UnsafeSchemaError(
          `pattern ${JSON.stringify(pattern)} at ${pointer || '/'} can backtrack catastrophically`,
        );
      }
    }
  });
}

/** Checks one payload; returns its issues (pointers into the payload), empty when valid. */
export type PayloadCheck = (value: unknown) => Issue[];

function isObjectSchema(schema: Record<string, unknown>): boolean {
  const type = schema.type;
  return (
    type === 'object' ||
    (Array.isArray(type) && type.includes('object')) ||
    isSchemaObject(schema.properties)
  );
}

/**
 * A copy of a schema whose object schemas refuse unlisted properties unless they say otherwise
 * (the format's rule). Members of `allOf`/`anyOf`/`oneOf` stay open, since their parent judges
 * the whole object (`unevaluatedProperties` sees what every member evaluated).
 */
export function closeObjects(schema: unknown, member = false): unknown {
  if (!isSchemaObject(schema)) return schema;
  const out: Record<string, unknown> = { ...schema };
  for (const keyword of SCHEMA_MAP_KEYWORDS) {
    const map = schema[keyword];
    if (!isSchemaObject(map)) continue;
    out[keyword] = Object.fromEntries(
      Object.entries(map).map(([name, child]) => [name, closeObjects(child)]),
    );
  }
  for (const keyword of SCHEMA_ARRAY_KEYWORDS) {
    const list = schema[keyword];
    if (Array.isArray(list))
      out[keyword] = list.map((child) => closeObjects(child, keyword !== 'prefixItems'));
  }
  for (const keyword of SCHEMA_SINGLE_KEYWORDS) {
    if (keyword in schema) out[keyword] = closeObjects(schema[keyword]);
  }
  const open =
    'additionalProperties' in schema ||
    'unevaluatedProperties' in schema ||
    'patternProperties' in schema;
  if (!member && !open && isObjectSchema(schema)) out.unevaluatedProperties = false;
  return out;
}

const cache = new WeakMap<object, WeakMap<object, PayloadCheck>>();
let ajv: AjvInstance | undefined;

/**
 * Compiles one of a definition's embedded schemas (an action's `input` or `output`, a trigger's
 * `event`, `config`, or `schemas.Name`) into a payload check that resolves `#/schemas/Name`
 * refs and closes objects by default. The definition must have passed `validate`, which refuses
 * `$ref` loops and patterns that backtrack catastrophically.
 */
export function compilePayloadSchema(
  definition: ConnectorDefinition,
  schema: unknown,
): PayloadCheck {
  if (!isSchemaObject(schema)) {
    return schema === false
      ? () => [{ pointer: '', code: 'SCHEMA_INVALID', message: 'no value is accepted here' }]
      : () => [];
  }
  let perDefinition = cache.get(definition);
  if (!perDefinition) {
    perDefinition = new WeakMap();
    cache.set(definition, perDefinition);
  }
  const cached = perDefinition.get(schema);
  if (cached) return cached;
  // Defence in depth: a payload must never be able to hang the process through a pattern.
  assertSafePatterns(schema);
  for (const named of Object.values(definition.schemas ?? {})) assertSafePatterns(named);
  ajv ??= createAjv({ strict: false });
  const schemas = closeObjects({ properties: definition.schemas ?? {} }) as { properties: unknown };
  const wrapper = { ...(closeObjects(schema) as object), schemas: schemas.properties };
  const check = ajv.compile(wrapper);
  // ajv keeps every compiled schema in its own cache; the WeakMap above is the cache we want.
  ajv.removeSchema(wrapper);
  const run: PayloadCheck = (value) => (check(value) ? [] : mapSchemaErrors(check.errors ?? []));
  perDefinition.set(schema, run);
  return run;
}
