import { canonicalJson } from './json.js';
import { isSchemaObject, type SchemaObject } from './schema-walk.js';

/**
 * How a schema change moves the set of accepted values: `widens` when the new schema accepts
 * something the old refused, `narrows` when it refuses something the old accepted. A change that
 * does neither (documentation) is neutral; one that does both is incompatible in every direction.
 */
export interface SchemaEffect {
  widens: boolean;
  narrows: boolean;
}

/** One elementary difference between two versions of a JSON Schema. */
export interface SchemaChange extends SchemaEffect {
  pointer: string;
  change: string;
  detail: string;
}

const ANNOTATIONS = new Set([
  'title',
  'description',
  'examples',
  'default',
  'deprecated',
  'deprecationMessage',
  '$comment',
  'readOnly',
  'writeOnly',
  'sensitive',
]);
const LOWER_BOUNDS = [
  'minimum',
  'exclusiveMinimum',
  'minLength',
  'minItems',
  'minProperties',
] as const;
const UPPER_BOUNDS = [
  'maximum',
  'exclusiveMaximum',
  'maxLength',
  'maxItems',
  'maxProperties',
] as const;
const HANDLED = new Set<string>([
  ...ANNOTATIONS,
  ...LOWER_BOUNDS,
  ...UPPER_BOUNDS,
  '$ref',
  'type',
  'enum',
  'const',
  'pattern',
  'format',
  'multipleOf',
  'uniqueItems',
  'properties',
  'required',
  'additionalProperties',
  'patternProperties',
  'items',
  'prefixItems',
  'anyOf',
  'oneOf',
  'allOf',
  'schemas',
]);

const NEUTRAL: SchemaEffect = { widens: false, narrows: false };
const WIDENS: SchemaEffect = { widens: true, narrows: false };
const NARROWS: SchemaEffect = { widens: false, narrows: true };
const BOTH: SchemaEffect = { widens: true, narrows: true };

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return canonicalJson(a) === canonicalJson(b);
}

function token(name: string): string {
  return name.replaceAll('~', '~0').replaceAll('/', '~1');
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

function typeSet(schema: SchemaObject): Set<string> | null {
  const type = schema.type;
  if (type === undefined) return null;
  return new Set(Array.isArray(type) ? type.map(String) : [String(type)]);
}

function covers(outer: Set<string> | null, inner: Set<string> | null): boolean {
  if (outer === null) return true;
  if (inner === null) return false;
  return [...inner].every((t) => outer.has(t) || (t === 'integer' && outer.has('number')));
}

/** Resolves `#/schemas/...` refs of a definition for the diff. */
export type RefResolver = (ref: string) => unknown;

interface Context {
  resolveOld: RefResolver;
  resolveNew: RefResolver;
  out: SchemaChange[];
  depth: number;
}

/**
 * Compares two JSON Schemas and lists their elementary changes with their effect. `$ref`s to the
 * same named schema are not followed (the named schema is compared where it is defined); other
 * refs are followed a bounded number of times.
 */
export function compareSchemas(
  before: unknown,
  after: unknown,
  pointer: string,
  resolveOld: RefResolver,
  resolveNew: RefResolver,
): SchemaChange[] {
  const context: Context = { resolveOld, resolveNew, out: [], depth: 0 };
  compare(before, after, pointer, context);
  return context.out;
}

function emit(
  context: Context,
  pointer: string,
  change: string,
  effect: SchemaEffect,
  detail: string,
): void {
  context.out.push({ pointer, change, detail, ...effect });
}

function compare(before: unknown, after: unknown, pointer: string, context: Context): void {
  if (same(before, after)) return;
  if (context.depth > 32) {
    emit(context, pointer, 'schema-changed', BOTH, 'the schema changed (too deep to compare)');
    return;
  }
  context.depth += 1;
  try {
    compareInner(before, after, pointer, context);
  } finally {
    context.depth -= 1;
  }
}

function compareInner(before: unknown, after: unknown, pointer: string, context: Context): void {
  if (typeof before === 'boolean' || typeof after === 'boolean') {
    const accepts = (s: unknown): 'all' | 'none' | 'some' =>
      s === true || (isSchemaObject(s) && Object.keys(s).length === 0)
        ? 'all'
        : s === false
          ? 'none'
          : 'some';
    const [a, b] = [accepts(before), accepts(after)];
    if (a === b) return;
    const effect = a === 'all' || b === 'none' ? NARROWS : WIDENS;
    emit(
      context,
      pointer,
      effect.widens ? 'schema-relaxed' : 'schema-tightened',
      effect,
      `the schema went from ${show(before)} to ${show(after)}`,
    );
    return;
  }
  if (!isSchemaObject(before) || !isSchemaObject(after)) {
    emit(context, pointer, 'schema-changed', BOTH, 'the schema was replaced');
    return;
  }
  const oldRef = before.$ref;
  const newRef = after.$ref;
  if (typeof oldRef === 'string' || typeof newRef === 'string') {
    if (oldRef === newRef && Object.keys(before).length === 1 && Object.keys(after).length === 1)
      return;
    const { $ref: _o, ...oldRest } = before;
    const { $ref: _n, ...newRest } = after;
    const oldResolved =
      typeof oldRef === 'string' ? { ...asObject(context.resolveOld(oldRef)), ...oldRest } : before;
    const newResolved =
      typeof newRef === 'string' ? { ...asObject(context.resolveNew(newRef)), ...newRest } : after;
    if (oldRef === newRef) {
      // Same named schema: its own changes are reported where it is defined.
      compareInner(oldRest, newRest, pointer, context);
      return;
    }
    compare(oldResolved, newResolved, pointer, context);
    return;
  }
  compareAnnotations(before, after, pointer, context);
  compareType(before, after, pointer, context);
  compareValues(before, after, pointer, context);
  compareBounds(before, after, pointer, context);
  compareObject(before, after, pointer, context);
  compareArrays(before, after, pointer, context);
  compareCombinators(before, after, pointer, context);
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (HANDLED.has(key) || same(before[key], after[key])) continue;
    if (key.startsWith('x-')) {
      emit(
        context,
        `${pointer}/${token(key)}`,
        'annotation-changed',
        NEUTRAL,
        `\`${key}\` changed (an annotation)`,
      );
      continue;
    }
    emit(
      context,
      `${pointer}/${token(key)}`,
      'keyword-changed',
      BOTH,
      `\`${key}\` changed; its effect on accepted values cannot be told, so it counts as breaking`,
    );
  }
}

function asObject(value: unknown): SchemaObject {
  return isSchemaObject(value) ? value : {};
}

function compareAnnotations(
  before: SchemaObject,
  after: SchemaObject,
  pointer: string,
  context: Context,
): void {
  for (const key of ANNOTATIONS) {
    if (same(before[key], after[key])) continue;
    const change =
      key === 'description'
        ? 'description-changed'
        : key === 'default'
          ? 'default-changed'
          : 'annotation-changed';
    emit(context, `${pointer}/${key}`, change, NEUTRAL, `\`${key}\` changed (documentation only)`);
  }
}

function compareType(
  before: SchemaObject,
  after: SchemaObject,
  pointer: string,
  context: Context,
): void {
  if (same(before.type, after.type)) return;
  const [o, n] = [typeSet(before), typeSet(after)];
  const widened = covers(n, o);
  const narrowed = covers(o, n);
  const text = `type went from ${show(before.type ?? 'any')} to ${show(after.type ?? 'any')}`;
  if (widened && !narrowed) emit(context, `${pointer}/type`, 'type-widened', WIDENS, text);
  else if (narrowed && !widened) emit(context, `${pointer}/type`, 'type-narrowed', NARROWS, text);
  else emit(context, `${pointer}/type`, 'type-changed', BOTH, text);
}

function compareValues(
  before: SchemaObject,
  after: SchemaObject,
  pointer: string,
  context: Context,
): void {
  const at = `${pointer}/enum`;
  const oldEnum = Array.isArray(before.enum) ? before.enum : undefined;
  const newEnum = Array.isArray(after.enum) ? after.enum : undefined;
  if (oldEnum && newEnum) {
    const has = (list: unknown[], value: unknown): boolean =>
      list.some((item) => same(item, value));
    const added = newEnum.filter((value) => !has(oldEnum, value));
    const removed = oldEnum.filter((value) => !has(newEnum, value));
    if (added.length > 0)
      emit(context, at, 'enum-extended', WIDENS, `enum gained ${added.map(show).join(', ')}`);
    for (const value of removed)
      emit(context, at, 'enum-value-removed', NARROWS, `enum lost ${show(value)}`);
  } else if (newEnum) {
    emit(
      context,
      at,
      'enum-added',
      NARROWS,
      `values are now limited to ${newEnum.map(show).join(', ')}`,
    );
  } else if (oldEnum) {
    emit(context, at, 'enum-removed', WIDENS, 'values are no longer limited to a list');
  }
  if (!same(before.const, after.const)) {
    const effect = before.const === undefined ? NARROWS : after.const === undefined ? WIDENS : BOTH;
    emit(
      context,
      `${pointer}/const`,
      'const-changed',
      effect,
      `const went from ${show(before.const ?? 'none')} to ${show(after.const ?? 'none')}`,
    );
  }
  for (const key of ['pattern', 'format', 'multipleOf'] as const) {
    if (same(before[key], after[key])) continue;
    const effect = before[key] === undefined ? NARROWS : after[key] === undefined ? WIDENS : BOTH;
    const change =
      effect === WIDENS
        ? 'constraint-relaxed'
        : effect === NARROWS
          ? 'constraint-tightened'
          : 'constraint-changed';
    emit(
      context,
      `${pointer}/${key}`,
      change,
      effect,
      `\`${key}\` went from ${show(before[key] ?? 'none')} to ${show(after[key] ?? 'none')}`,
    );
  }
  if (Boolean(before.uniqueItems) !== Boolean(after.uniqueItems)) {
    const effect = after.uniqueItems === true ? NARROWS : WIDENS;
    emit(
      context,
      `${pointer}/uniqueItems`,
      effect === NARROWS ? 'constraint-tightened' : 'constraint-relaxed',
      effect,
      `uniqueItems is now ${String(Boolean(after.uniqueItems))}`,
    );
  }
}

function compareBounds(
  before: SchemaObject,
  after: SchemaObject,
  pointer: string,
  context: Context,
): void {
  const bound = (key: string, lower: boolean): void => {
    const [o, n] = [before[key], after[key]];
    if (same(o, n)) return;
    let effect: SchemaEffect;
    if (typeof o !== 'number') effect = NARROWS;
    else if (typeof n !== 'number') effect = WIDENS;
    else effect = (lower ? n > o : n < o) ? NARROWS : WIDENS;
    emit(
      context,
      `${pointer}/${key}`,
      effect === NARROWS ? 'constraint-tightened' : 'constraint-relaxed',
      effect,
      `\`${key}\` went from ${show(o ?? 'none')} to ${show(n ?? 'none')}`,
    );
  };
  for (const key of LOWER_BOUNDS) bound(key, true);
  for (const key of UPPER_BOUNDS) bound(key, false);
}

/**
 * Whether an object schema refuses unlisted properties. The format closes objects unless they say
 * otherwise (DESIGN: "objects are closed unless said otherwise"), so an object schema without
 * `additionalProperties` or `patternProperties` counts as closed.
 */
export function isClosedObject(schema: SchemaObject): boolean {
  if (schema.additionalProperties !== undefined) return schema.additionalProperties === false;
  if (schema.patternProperties !== undefined) return false;
  const type = schema.type;
  const isObject = type === 'object' || (Array.isArray(type) && type.includes('object'));
  return isObject || isSchemaObject(schema.properties);
}

const isClosed = isClosedObject;

function compareObject(
  before: SchemaObject,
  after: SchemaObject,
  pointer: string,
  context: Context,
): void {
  const oldProps = asObject(before.properties);
  const newProps = asObject(after.properties);
  const oldRequired = new Set(Array.isArray(before.required) ? before.required.map(String) : []);
  const newRequired = new Set(Array.isArray(after.required) ? after.required.map(String) : []);
  const removed = Object.keys(oldProps).filter((name) => !(name in newProps));
  const added = Object.keys(newProps).filter((name) => !(name in oldProps));
  const renamed = new Set<string>();
  for (const name of removed) {
    const match = added.find(
      (candidate) => !renamed.has(candidate) && same(oldProps[name], newProps[candidate]),
    );
    if (match === undefined) continue;
    renamed.add(match);
    renamed.add(name);
    emit(
      context,
      `${pointer}/properties/${token(match)}`,
      'property-renamed',
      BOTH,
      `property \`${name}\` was renamed to \`${match}\` (add a migration with aliases so old payloads keep working)`,
    );
  }
  for (const name of removed) {
    if (renamed.has(name)) continue;
    const widens = oldRequired.has(name) || !isClosed(after);
    emit(
      context,
      `${pointer}/properties/${token(name)}`,
      'property-removed',
      { widens, narrows: true },
      `property \`${name}\` was removed`,
    );
  }
  for (const name of added) {
    if (renamed.has(name)) continue;
    const at = `${pointer}/properties/${token(name)}`;
    const schema = newProps[name];
    const hasDefault = isSchemaObject(schema) && schema.default !== undefined;
    const closed = isClosed(before);
    if (newRequired.has(name) && !hasDefault) {
      emit(
        context,
        at,
        'required-property-added',
        { widens: closed, narrows: true },
        `required property \`${name}\` was added without a default`,
      );
    } else if (closed) {
      emit(
        context,
        at,
        'property-added',
        WIDENS,
        `${newRequired.has(name) ? 'required property (with a default)' : 'optional property'} \`${name}\` was added to a closed object`,
      );
    } else {
      emit(
        context,
        at,
        'property-added-open',
        NARROWS,
        `property \`${name}\` was added to an open object, where any value was accepted before`,
      );
    }
  }
  for (const name of Object.keys(oldProps)) {
    if (name in newProps)
      compare(oldProps[name], newProps[name], `${pointer}/properties/${token(name)}`, context);
  }
  for (const name of newRequired) {
    if (name in oldProps && !oldRequired.has(name)) {
      emit(
        context,
        `${pointer}/required`,
        'required-added',
        NARROWS,
        `property \`${name}\` became required`,
      );
    }
  }
  for (const name of oldRequired) {
    if (!newRequired.has(name) && name in newProps) {
      emit(
        context,
        `${pointer}/required`,
        'required-removed',
        WIDENS,
        `property \`${name}\` is no longer required`,
      );
    }
  }
  const at = `${pointer}/additionalProperties`;
  if (isClosed(before) && !isClosed(after)) {
    emit(
      context,
      at,
      'object-opened',
      WIDENS,
      'the object now accepts properties it does not list',
    );
  } else if (!isClosed(before) && isClosed(after)) {
    emit(
      context,
      at,
      'object-closed',
      NARROWS,
      'the object no longer accepts properties it does not list',
    );
  } else if (!isClosed(before) && !same(before.additionalProperties, after.additionalProperties)) {
    compare(before.additionalProperties ?? true, after.additionalProperties ?? true, at, context);
  }
  const oldPatterns = asObject(before.patternProperties);
  const newPatterns = asObject(after.patternProperties);
  for (const key of new Set([...Object.keys(oldPatterns), ...Object.keys(newPatterns)])) {
    compare(
      oldPatterns[key] ?? true,
      newPatterns[key] ?? true,
      `${pointer}/patternProperties/${token(key)}`,
      context,
    );
  }
}

function compareArrays(
  before: SchemaObject,
  after: SchemaObject,
  pointer: string,
  context: Context,
): void {
  if (!same(before.items, after.items))
    compare(before.items ?? true, after.items ?? true, `${pointer}/items`, context);
  const oldPrefix = Array.isArray(before.prefixItems) ? before.prefixItems : [];
  const newPrefix = Array.isArray(after.prefixItems) ? after.prefixItems : [];
  for (let i = 0; i < Math.max(oldPrefix.length, newPrefix.length); i += 1) {
    compare(oldPrefix[i] ?? true, newPrefix[i] ?? true, `${pointer}/prefixItems/${i}`, context);
  }
}

function compareCombinators(
  before: SchemaObject,
  after: SchemaObject,
  pointer: string,
  context: Context,
): void {
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const o = Array.isArray(before[key]) ? (before[key] as unknown[]) : [];
    const n = Array.isArray(after[key]) ? (after[key] as unknown[]) : [];
    if (same(o, n)) continue;
    const common = Math.min(o.length, n.length);
    for (let i = 0; i < common; i += 1) compare(o[i], n[i], `${pointer}/${key}/${i}`, context);
    // An extra anyOf/oneOf branch accepts more; an extra allOf member demands more.
    const more = key === 'allOf' ? NARROWS : WIDENS;
    const fewer = key === 'allOf' ? WIDENS : NARROWS;
    for (let i = common; i < n.length; i += 1) {
      emit(
        context,
        `${pointer}/${key}/${i}`,
        key === 'allOf' ? 'constraint-tightened' : 'alternative-added',
        more,
        `\`${key}\` gained an entry`,
      );
    }
    for (let i = common; i < o.length; i += 1) {
      emit(
        context,
        `${pointer}/${key}/${i}`,
        key === 'allOf' ? 'constraint-relaxed' : 'alternative-removed',
        fewer,
        `\`${key}\` lost an entry`,
      );
    }
  }
}
