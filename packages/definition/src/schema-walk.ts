/** Keywords whose value is a map of name -> schema. */
export const SCHEMA_MAP_KEYWORDS = [
  'properties',
  'patternProperties',
  '$defs',
  'definitions',
  'dependentSchemas',
] as const;
/** Keywords whose value is an array of schemas. */
export const SCHEMA_ARRAY_KEYWORDS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'] as const;
/** Keywords whose value is one schema. */
export const SCHEMA_SINGLE_KEYWORDS = [
  'items',
  'additionalProperties',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
  'unevaluatedItems',
  'unevaluatedProperties',
  'additionalItems',
] as const;

export type SchemaObject = Record<string, unknown>;

export function isSchemaObject(value: unknown): value is SchemaObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Visits a JSON Schema and every subschema (not `const`, `enum`, `default` or `examples`, which
 * hold data), with the JSON pointer of each. Iterative so a deep schema cannot overflow the stack.
 */
export function walkSchema(
  root: unknown,
  rootPointer: string,
  visit: (schema: SchemaObject, pointer: string) => void,
): void {
  const stack: Array<{ schema: unknown; pointer: string }> = [
    { schema: root, pointer: rootPointer },
  ];
  while (stack.length > 0) {
    const { schema, pointer } = stack.pop()!;
    if (!isSchemaObject(schema)) continue;
    visit(schema, pointer);
    for (const keyword of SCHEMA_MAP_KEYWORDS) {
      const map = schema[keyword];
      if (!isSchemaObject(map)) continue;
      for (const [name, child] of Object.entries(map)) {
        stack.push({ schema: child, pointer: `${pointer}/${keyword}/${escape(name)}` });
      }
    }
    for (const keyword of SCHEMA_ARRAY_KEYWORDS) {
      const list = schema[keyword];
      if (!Array.isArray(list)) continue;
      list.forEach((child, index) =>
        stack.push({ schema: child, pointer: `${pointer}/${keyword}/${index}` }),
      );
    }
    for (const keyword of SCHEMA_SINGLE_KEYWORDS) {
      if (keyword in schema)
        stack.push({ schema: schema[keyword], pointer: `${pointer}/${keyword}` });
    }
  }
}

function escape(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * Every embedded JSON Schema of a definition, with its pointer: config, named schemas, action
 * inputs and outputs, trigger events.
 */
export function embeddedSchemas(definition: unknown): Array<{ pointer: string; schema: unknown }> {
  const out: Array<{ pointer: string; schema: unknown }> = [];
  if (!isSchemaObject(definition)) return out;
  if ('config' in definition) out.push({ pointer: '/config', schema: definition.config });
  if (isSchemaObject(definition.schemas)) {
    for (const [name, schema] of Object.entries(definition.schemas)) {
      out.push({ pointer: `/schemas/${escape(name)}`, schema });
    }
  }
  if (isSchemaObject(definition.actions)) {
    for (const [name, action] of Object.entries(definition.actions)) {
      if (!isSchemaObject(action)) continue;
      if ('input' in action)
        out.push({ pointer: `/actions/${escape(name)}/input`, schema: action.input });
      if ('output' in action)
        out.push({ pointer: `/actions/${escape(name)}/output`, schema: action.output });
    }
  }
  if (isSchemaObject(definition.triggers)) {
    for (const [name, trigger] of Object.entries(definition.triggers)) {
      if (!isSchemaObject(trigger)) continue;
      if ('event' in trigger)
        out.push({ pointer: `/triggers/${escape(name)}/event`, schema: trigger.event });
    }
  }
  return out;
}
