// Definitions mark values `"sensitive": true` in their schemas (config, action input). Their values
// are handed to the secret scrubber before a run starts, so no log line written during or after the
// run (a connector's own ctx.log included) carries them.

type Schema = Record<string, unknown>;

const MAX_DEPTH = 32;

function resolve(schema: Schema, schemas: Record<string, unknown>): Schema {
  const ref = schema.$ref;
  if (typeof ref === 'string' && ref.startsWith('#/schemas/')) {
    const target = schemas[ref.slice('#/schemas/'.length)];
    if (target && typeof target === 'object')
      return { ...(target as Schema), ...schema, $ref: undefined };
  }
  return schema;
}

/** Every string and number inside a value marked sensitive as a whole (an object, a list). */
function leaves(value: unknown, out: string[], depth: number): void {
  if (depth > MAX_DEPTH || value === null || value === undefined) return;
  if (typeof value === 'string' || typeof value === 'number') out.push(String(value));
  else if (Array.isArray(value)) for (const v of value) leaves(v, out, depth + 1);
  else if (typeof value === 'object')
    for (const v of Object.values(value as Record<string, unknown>)) leaves(v, out, depth + 1);
}

function walk(
  raw: unknown,
  value: unknown,
  schemas: Record<string, unknown>,
  out: string[],
  depth: number,
): void {
  if (!raw || typeof raw !== 'object' || depth > MAX_DEPTH || value === undefined || value === null)
    return;
  const schema = resolve(raw as Schema, schemas);
  if (schema.sensitive === true) {
    leaves(value, out, depth);
    return;
  }
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = schema[key];
    if (Array.isArray(list))
      for (const branch of list) walk(branch, value, schemas, out, depth + 1);
  }
  if (Array.isArray(value)) {
    for (const element of value) walk(schema.items, element, schemas, out, depth + 1);
    return;
  }
  if (typeof value === 'object') {
    const properties = (schema.properties ?? {}) as Record<string, unknown>;
    for (const [name, inner] of Object.entries(value as Record<string, unknown>)) {
      walk(properties[name] ?? schema.additionalProperties, inner, schemas, out, depth + 1);
    }
  }
}

/** Values of `sensitive` fields in an action run's config and input (or every batch item). */
export function sensitiveValues(
  definition: Record<string, unknown>,
  action: string,
  config: unknown,
  input: { input?: unknown; items?: unknown[] },
): string[] {
  const schemas = (definition.schemas ?? {}) as Record<string, unknown>;
  const out: string[] = [];
  walk(definition.config, config, schemas, out, 0);
  const shape = ((definition.actions ?? {}) as Record<string, { input?: unknown }>)[action];
  if (shape?.input) {
    if (input.items) for (const item of input.items) walk(shape.input, item, schemas, out, 0);
    else walk(shape.input, input.input, schemas, out, 0);
  }
  return out;
}
