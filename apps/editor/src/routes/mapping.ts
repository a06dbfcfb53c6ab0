// The route mapper's pure parts: the fields a trigger's event offers, the properties a target
// action takes, and the JSONata object expression the field-to-field choices stand for.
import { isObject } from '../model.js';
import type { JsonObject } from '../model.js';

export interface SourceField {
  /** JSONata path from the event's root, e.g. `issue.title` or `` `x-id` ``. */
  path: string;
  type: string;
}

export interface TargetProperty {
  name: string;
  type: string;
  required: boolean;
  description?: string;
}

/** field -> source path; a property with no entry is left to the JSONata box. */
export type FieldMap = Readonly<Record<string, string>>;

// Deep enough for webhook payloads (event.issue.user.login); cycles through $ref stop here too.
const MAX_DEPTH = 5;

/** Follows `#/schemas/Name` references into the definition's named schemas. */
export function resolveSchema(schema: unknown, schemas: unknown, seen = 0): JsonObject {
  if (!isObject(schema)) return {};
  const ref = typeof schema.$ref === 'string' ? /^#\/schemas\/(.+)$/.exec(schema.$ref) : null;
  if (ref && isObject(schemas) && seen < 20) {
    const { $ref: _ref, ...rest } = schema;
    return { ...resolveSchema(schemas[ref[1]!], schemas, seen + 1), ...rest };
  }
  return schema;
}

export function typeOf(schema: JsonObject): string {
  const type = schema.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return type.filter((t) => t !== 'null').join(' | ') || 'null';
  if (isObject(schema.properties)) return 'object';
  return 'any';
}

const RESERVED = new Set(['and', 'or', 'in', 'true', 'false', 'null', 'function']);

/** A property name as a JSONata path step: bare when it is a plain name, else in backticks. */
export function pathStep(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_]*$/.test(name) && !RESERVED.has(name) && !name.startsWith('$')
    ? name
    : `\`${name.replace(/`/g, '')}\``;
}

/** Every field of an event schema, objects and their leaves, depth first in schema order. */
export function listSourceFields(schema: unknown, schemas?: unknown): SourceField[] {
  const fields: SourceField[] = [];
  const walk = (node: unknown, prefix: string, depth: number): void => {
    const resolved = resolveSchema(node, schemas);
    const properties = resolved.properties;
    if (!isObject(properties) || depth >= MAX_DEPTH) return;
    for (const [name, child] of Object.entries(properties)) {
      const path = prefix ? `${prefix}.${pathStep(name)}` : pathStep(name);
      const childSchema = resolveSchema(child, schemas);
      fields.push({ path, type: typeOf(childSchema) });
      walk(childSchema, path, depth + 1);
    }
  };
  walk(schema, '', 0);
  return fields;
}

/** The top-level properties of an action's input schema, required ones first. */
export function listTargetProperties(schema: unknown, schemas?: unknown): TargetProperty[] {
  const resolved = resolveSchema(schema, schemas);
  const required = Array.isArray(resolved.required) ? (resolved.required as string[]) : [];
  const properties = isObject(resolved.properties) ? resolved.properties : {};
  return Object.entries(properties)
    .map(([name, child]) => {
      const s = resolveSchema(child, schemas);
      return {
        name,
        type: typeOf(s),
        required: required.includes(name),
        ...(typeof s.description === 'string' ? { description: s.description } : {}),
      };
    })
    .sort((a, b) => Number(b.required) - Number(a.required));
}

/**
 * The mapping expression: the chosen fields as an object, merged with what the JSONata box gives
 * (the box wins on a shared key, so it can override a field).
 */
export function buildMapping(fields: FieldMap, extra = ''): string {
  const entries = Object.entries(fields).filter(([, path]) => path);
  const object = entries.length
    ? `{ ${entries.map(([name, path]) => `${JSON.stringify(name)}: ${path}`).join(', ')} }`
    : '';
  const rest = extra.trim();
  if (!object) return rest;
  if (!rest) return object;
  return `$merge([${object}, (${rest})])`;
}

/**
 * Reads a saved mapping back into the mapper: a mapping the mapper generated gives its fields and
 * box again; any other mapping goes whole into the JSONata box.
 */
export function parseMapping(
  mapping: string,
  paths: readonly string[],
): { fields: Record<string, string>; extra: string } {
  const whole = { fields: {}, extra: mapping };
  const merged = /^\$merge\(\[(\{.*?\}), \((.*)\)\]\)$/s.exec(mapping);
  const objectText = merged ? merged[1]! : mapping;
  const extra = merged ? merged[2]! : '';
  const inner = /^\{ (.*) \}$/s.exec(objectText);
  if (!inner) return whole;
  const known = new Set(paths);
  const fields: Record<string, string> = {};
  const entry = /^("(?:[^"\\]|\\.)*"): ([^,]+?)(?:, |$)/;
  let rest = inner[1]!;
  while (rest) {
    const m = entry.exec(rest);
    if (!m || !known.has(m[2]!)) return whole;
    fields[JSON.parse(m[1]!) as string] = m[2]!;
    rest = rest.slice(m[0].length);
  }
  return buildMapping(fields, extra) === mapping ? { fields, extra } : whole;
}

/** A first guess for each target property: the source field of the same name, shallowest first. */
export function matchByName(
  targets: readonly TargetProperty[],
  sources: readonly SourceField[],
): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const t of targets) {
    const step = pathStep(t.name);
    const match = sources
      .filter((s) => s.path === step || s.path.endsWith(`.${step}`))
      .sort((a, b) => a.path.length - b.path.length)[0];
    if (match) fields[t.name] = match.path;
  }
  return fields;
}

export interface Refusal {
  pointer: string;
  code: string;
  message: string;
  example?: number;
  target?: { pointer: string; code: string; message: string };
}

/** The form field a refusal belongs to: a target property's mapper row, else the route field. */
export function mapperPointer(property: string): string {
  return `#map/${property}`;
}

/**
 * The dry run's refusals as field issues: the same problem on several examples is one issue naming
 * them, and a problem with a target property sits on that property's row of the mapper.
 */
export function refusalIssues(
  refusals: readonly Refusal[],
  properties: readonly string[],
): Array<{ pointer: string; code: string; message: string }> {
  const groups = new Map<
    string,
    { pointer: string; code: string; text: string; examples: number[] }
  >();
  for (const r of refusals) {
    const at = r.target ? r.target.pointer || '/' : '';
    const property = r.target ? decodePointerStep(r.target.pointer.split('/')[1]) : undefined;
    const pointer =
      r.pointer === '/mapping' && property !== undefined && properties.includes(property)
        ? mapperPointer(property)
        : r.pointer;
    const text = r.target ? `${at} ${r.target.message}` : r.message;
    const key = `${pointer}\n${text}`;
    const group = groups.get(key) ?? {
      pointer,
      code: r.target?.code ?? r.code,
      text,
      examples: [],
    };
    if (r.example !== undefined) group.examples.push(r.example);
    groups.set(key, group);
  }
  return [...groups.values()].map((g) => ({
    pointer: g.pointer,
    code: g.code,
    message: g.examples.length
      ? `${g.text} (example${g.examples.length > 1 ? 's' : ''} ${g.examples.join(', ')})`
      : g.text,
  }));
}

function decodePointerStep(step: string | undefined): string | undefined {
  return step === undefined ? undefined : step.replace(/~1/g, '/').replace(/~0/g, '~');
}
