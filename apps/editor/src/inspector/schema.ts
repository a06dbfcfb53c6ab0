// Reading the definition's JSON Schema to build forms: resolve local refs, decide which editor a
// property gets, and pull help text out of titles, descriptions and examples.
import { isObject } from '../model.js';

export type Schema = Record<string, unknown>;

export type FieldKind =
  | 'jsonata'
  | 'template'
  | 'code'
  | 'jsonschema'
  | 'const'
  | 'union'
  | 'enum'
  | 'text'
  | 'number'
  | 'boolean'
  | 'object'
  | 'map'
  | 'array-object'
  | 'array-string'
  | 'json';

export interface Resolved {
  schema: Schema;
  /** The first `$defs` name the property pointed at, which names its role (Expression, Template...). */
  ref?: string;
}

export function resolve(schema: unknown, root: Schema): Resolved {
  let current: Schema = isObject(schema) ? schema : {};
  let ref: string | undefined;
  for (
    let depth = 0;
    depth < 8 && typeof current.$ref === 'string' && current.$ref.startsWith('#/$defs/');
    depth++
  ) {
    const name = current.$ref.slice('#/$defs/'.length);
    ref ??= name;
    const target = (root.$defs as Record<string, Schema> | undefined)?.[name] ?? {};
    const { $ref: _ref, ...own } = current;
    // Sibling keywords (title, description, examples) are the property's own words: they win.
    current = { ...target, ...own };
  }
  return { schema: current, ref };
}

function primaryType(schema: Schema): string | undefined {
  const t = schema.type;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return (t as string[]).find((x) => x !== 'null');
  return undefined;
}

export function fieldKind(name: string, resolved: Resolved, root: Schema): FieldKind {
  const { schema, ref } = resolved;
  if (ref === 'Expression') return 'jsonata';
  if (ref === 'Template') return 'template';
  if (ref === 'JsonSchema') return 'jsonschema';
  if (schema.const !== undefined) return 'const';
  const type = primaryType(schema);
  const description = typeof schema.description === 'string' ? schema.description : '';
  // A string that is one of some values or a reference (`header`, `query` or `{{ config.x }}`)
  // is typed in, with the values offered as suggestions.
  if (type === 'string' && (Array.isArray(schema.oneOf) || Array.isArray(schema.anyOf)))
    return description.includes('{{') ? 'template' : 'text';
  if (Array.isArray(schema.oneOf) || Array.isArray(schema.anyOf))
    return unionVariants(schema, root).discriminator ? 'union' : 'json';
  if (Array.isArray(schema.enum)) return 'enum';
  switch (type) {
    case 'string':
      if (name === 'source') return 'code';
      if (description.includes('{{')) return 'template';
      return 'text';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'object': {
      if (isObject(schema.properties)) return 'object';
      const extra = resolve(schema.additionalProperties, root);
      if (
        isObject(schema.additionalProperties) &&
        (primaryType(extra.schema) === 'string' || extra.ref === 'Template')
      )
        return 'map';
      return 'json';
    }
    case 'array': {
      const items = resolve(schema.items, root);
      if (primaryType(items.schema) === 'string' && !Array.isArray(items.schema.enum))
        return 'array-string';
      if (isObject(items.schema.properties)) return 'array-object';
      return 'json';
    }
    default:
      return 'json';
  }
}

export interface Union {
  discriminator?: string;
  variants: Array<{ tag: string; title: string; schema: Schema }>;
}

/** A oneOf whose variants each fix one property to a constant (`type`, `kind`) becomes a picker. */
export function unionVariants(schema: Schema, root: Schema): Union {
  const list = (schema.oneOf ?? schema.anyOf) as unknown[];
  const variants = list.map((v) => resolve(v, root).schema);
  const declared = isObject(schema.discriminator)
    ? (schema.discriminator.propertyName as string | undefined)
    : undefined;
  const candidates = declared
    ? [declared]
    : Object.keys((variants[0]?.properties as Schema | undefined) ?? {});
  const discriminator = candidates.find((key) =>
    variants.every(
      (v) =>
        isObject(v.properties) &&
        isObject(v.properties[key]) &&
        (v.properties[key] as Schema).const !== undefined,
    ),
  );
  if (!discriminator) return { variants: [] };
  return {
    discriminator,
    variants: variants.map((v) => {
      const tag = String(((v.properties as Schema)[discriminator] as Schema).const);
      return { tag, title: typeof v.title === 'string' ? v.title : tag, schema: v };
    }),
  };
}

/** Variables a template or expression may use, as its description names them in backticks. */
const KNOWN_VARIABLES = [
  'input',
  'items',
  'item',
  'index',
  'config',
  'steps',
  'meta',
  'response',
  'record',
  'cursor',
];
export function variablesOf(schema: Schema): string[] {
  const description = typeof schema.description === 'string' ? schema.description : '';
  const quoted = [...description.matchAll(/`([^`]+)`/g)].flatMap(
    (m) => (m[1] ?? '').match(/[A-Za-z_]+/g) ?? [],
  );
  return KNOWN_VARIABLES.filter((v) => quoted.includes(v));
}

export function titleOf(name: string, schema: Schema): string {
  if (typeof schema.title === 'string') return schema.title;
  return name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
}

export function exampleText(schema: Schema): string | undefined {
  const examples = Array.isArray(schema.examples) ? schema.examples : [];
  const shown = examples
    .slice(0, 2)
    .filter((e) => typeof e !== 'object' || e === null)
    .map((e) => (typeof e === 'string' ? e : JSON.stringify(e)));
  return shown.length > 0 ? shown.join('  ·  ') : undefined;
}

/** The `$defs` entry for a flow node type: the FlowNode variant whose `type` is that constant. */
export function nodeTypeSchema(root: Schema, type: string): Schema | undefined {
  const flowNode = resolve({ $ref: '#/$defs/FlowNode' }, root).schema;
  if (!Array.isArray(flowNode.oneOf)) return undefined;
  return unionVariants(flowNode, root).variants.find((v) => v.tag === type)?.schema;
}

export function isRequired(parent: Schema, name: string): boolean {
  return Array.isArray(parent.required) && (parent.required as string[]).includes(name);
}

/** Values a free-text field suggests: the enums among its `anyOf` / `oneOf` alternatives. */
export function suggestionsOf(schema: Schema, root: Schema): string[] {
  const list = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
  if (!Array.isArray(list)) return [];
  return list.flatMap((v) => {
    const e = resolve(v, root).schema.enum;
    return Array.isArray(e) ? e.filter((x): x is string => typeof x === 'string') : [];
  });
}
