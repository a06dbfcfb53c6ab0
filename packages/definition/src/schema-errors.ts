import type { ErrorObject } from './ajv.js';
import { escapePointerToken, type DefinitionErrorCode, type Issue } from './issues.js';

interface SchemaInfo {
  description?: string;
  examples?: unknown[];
  properties?: Record<string, unknown>;
  oneOf?: Array<Record<string, unknown>>;
}

function info(schema: unknown): SchemaInfo {
  return schema !== null && typeof schema === 'object' ? (schema as SchemaInfo) : {};
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function lastToken(pointer: string): string {
  const tokens = pointer.split('/');
  const token = tokens[tokens.length - 1] ?? '';
  return token.replaceAll('~1', '/').replaceAll('~0', '~');
}

function label(pointer: string): string {
  if (pointer === '') return 'the document';
  const token = lastToken(pointer);
  if (!/^\d+$/.test(token)) return `\`${token}\``;
  const parent = lastToken(pointer.slice(0, pointer.lastIndexOf('/')));
  return parent === '' ? `item ${token}` : `\`${parent}[${token}]\``;
}

/** The first sentence of a schema description, for short hints. */
function firstSentence(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const end = text.search(/\.(\s|$)/);
  return end < 0 ? text : text.slice(0, end);
}

function exampleHint(schema: unknown): string {
  const examples = info(schema).examples;
  return examples && examples.length > 0 ? ` (for example ${show(examples[0])})` : '';
}

/** Levenshtein distance, for "did you mean" hints on unknown properties. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

function suggestion(name: string, allowed: string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    const d = distance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3))
    ? ` Did you mean \`${best}\`?`
    : '';
}

const DISCRIMINATED_NODE = /\/nodes\/\d+$/;

function mapOne(error: ErrorObject): Issue | null {
  const at = error.instancePath;
  const params = error.params as Record<string, unknown>;
  const issue = (pointer: string, code: DefinitionErrorCode, message: string): Issue => ({
    pointer,
    code,
    message,
  });
  if (error.propertyName !== undefined) {
    const pointer = `${at}/${escapePointerToken(error.propertyName)}`;
    return issue(
      pointer,
      'SCHEMA_PATTERN',
      `name "${error.propertyName}" is not allowed here: use letters, digits and the separators the format allows${exampleHint(error.parentSchema)}`,
    );
  }
  switch (error.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      const property = info(error.parentSchema).properties?.[missing];
      const about = firstSentence(info(property).description);
      return issue(
        `${at}/${escapePointerToken(missing)}`,
        'SCHEMA_REQUIRED',
        `${label(at)} needs \`${missing}\`${about ? ` (${about})` : ''}: add it${exampleHint(property)}`,
      );
    }
    case 'unevaluatedProperties':
    case 'additionalProperties': {
      const extra = String(params.additionalProperty ?? params.unevaluatedProperty);
      const allowed = Object.keys(info(error.parentSchema).properties ?? {});
      return issue(
        `${at}/${escapePointerToken(extra)}`,
        'SCHEMA_UNKNOWN_PROPERTY',
        `unknown property \`${extra}\` in ${label(at)}: remove it.${suggestion(extra, allowed)}${allowed.length > 0 ? ` Allowed: ${allowed.join(', ')}.` : ''}`,
      );
    }
    case 'type': {
      const expected = Array.isArray(params.type) ? params.type.join(' or ') : String(params.type);
      return issue(
        at,
        'SCHEMA_TYPE',
        `${label(at)} must be ${expected === 'array' || expected === 'object' || expected === 'integer' ? 'an' : 'a'} ${expected}, found ${typeName(error.data)}`,
      );
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((value) => show(value)).join(', ');
      return issue(
        at,
        'SCHEMA_ENUM',
        `${label(at)} must be one of ${allowed}, found ${show(error.data)}`,
      );
    }
    case 'const':
      return issue(
        at,
        'SCHEMA_CONST',
        `${label(at)} must be ${show(params.allowedValue)}, found ${show(error.data)}`,
      );
    case 'pattern': {
      const about = firstSentence(info(error.parentSchema).description);
      return issue(
        at,
        'SCHEMA_PATTERN',
        `${label(at)} ${show(error.data)} does not match ${String(params.pattern)}${about ? ` (${about})` : ''}${exampleHint(error.parentSchema)}`,
      );
    }
    case 'format':
      return issue(
        at,
        'SCHEMA_FORMAT',
        `${label(at)} must be a valid ${String(params.format)}${exampleHint(error.parentSchema)}, found ${show(error.data)}`,
      );
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'multipleOf':
      return issue(
        at,
        'SCHEMA_RANGE',
        `${label(at)} ${error.message ?? 'is out of range'}, found ${show(error.data)}`,
      );
    case 'minLength':
    case 'maxLength':
    case 'minItems':
    case 'maxItems':
    case 'minProperties':
    case 'maxProperties': {
      const limit = Number(params.limit);
      const bound = error.keyword.startsWith('min') ? 'at least' : 'at most';
      const unit = error.keyword.endsWith('Length')
        ? 'character'
        : error.keyword.endsWith('Items')
          ? 'item'
          : 'property';
      const units = limit === 1 ? unit : unit === 'property' ? 'properties' : `${unit}s`;
      const size = Array.isArray(error.data)
        ? error.data.length
        : typeof error.data === 'string'
          ? error.data.length
          : Object.keys(error.data ?? {}).length;
      return issue(
        at,
        'SCHEMA_LENGTH',
        `${label(at)} must have ${bound} ${limit} ${units}, found ${size}`,
      );
    }
    case 'uniqueItems':
      return issue(
        at,
        'SCHEMA_UNIQUE',
        `${label(at)} must not repeat values: items ${String(params.j)} and ${String(params.i)} are equal`,
      );
    case 'discriminator': {
      const tag = String(params.tag);
      const tagPointer = `${at}/${escapePointerToken(tag)}`;
      const allowed = (info(error.parentSchema).oneOf ?? [])
        .map((branch) =>
          String(branch.$ref ?? '')
            .split('/')
            .pop(),
        )
        .filter(Boolean);
      if (params.error === 'mapping') {
        const found = show(params.tagValue);
        const isNode = DISCRIMINATED_NODE.test(at);
        return issue(
          tagPointer,
          isNode ? 'SCHEMA_NODE_TYPE' : 'SCHEMA_ENUM',
          `${isNode ? 'unknown node type' : `unknown \`${tag}\``} ${found}: use one of ${discriminatorValues(error)}`,
        );
      }
      return issue(
        tagPointer,
        'SCHEMA_REQUIRED',
        `${label(at)} needs a string \`${tag}\` telling which kind it is (${allowed.join(', ')})`,
      );
    }
    case 'not':
      return issue(
        at,
        'SCHEMA_INVALID',
        `${label(at)} ${show(error.data)} is not allowed here${info(error.parentSchema).description ? `: ${info(error.parentSchema).description}` : ''}`,
      );
    case 'oneOf':
    case 'anyOf':
      return issue(
        at,
        'SCHEMA_ONE_OF',
        `${label(at)} ${show(error.data)} matches none of the accepted forms${info(error.parentSchema).description ? `: ${info(error.parentSchema).description}` : ''}`,
      );
    default:
      return issue(at, 'SCHEMA_INVALID', `${label(at)} ${error.message ?? 'is invalid'}`);
  }
}

function discriminatorValues(error: ErrorObject): string {
  const values: string[] = [];
  const root = error.parentSchema as { oneOf?: Array<{ $ref?: string }> } | undefined;
  for (const branch of root?.oneOf ?? []) {
    const resolved = branch.$ref ? resolveLocalRef(error, branch.$ref) : branch;
    const tag = String((error.params as Record<string, unknown>).tag);
    const constant = (resolved as { properties?: Record<string, { const?: unknown }> } | undefined)
      ?.properties?.[tag]?.const;
    if (constant !== undefined) values.push(String(constant));
  }
  return values.join(', ');
}

let refRoots: Array<Record<string, unknown>> = [];

/** The schemas whose `#/$defs/...` refs error messages may need to follow. */
export function registerRefRoots(roots: Array<Record<string, unknown>>): void {
  refRoots = roots;
}

function resolveLocalRef(_error: ErrorObject, ref: string): unknown {
  const name = ref.startsWith('#/$defs/') ? ref.slice('#/$defs/'.length) : undefined;
  if (!name) return undefined;
  for (const root of refRoots) {
    const defs = root.$defs as Record<string, unknown> | undefined;
    if (defs?.[name]) return defs[name];
  }
  return undefined;
}

/**
 * Turns ajv's errors into issues. For a `oneOf` without a discriminator, the branch whose type
 * fits the value speaks for it (so the author sees that branch's real problem, not the noise of
 * every branch); when no branch fits, one issue names the accepted forms.
 */
export function mapSchemaErrors(errors: ErrorObject[]): Issue[] {
  const drop = new Set<ErrorObject>();
  const replacements = new Map<ErrorObject, ErrorObject[]>();
  for (const error of errors) {
    if (error.keyword !== 'oneOf' && error.keyword !== 'anyOf') continue;
    const prefix = `${error.schemaPath}/`;
    const byBranch = new Map<string, ErrorObject[]>();
    for (const other of errors) {
      if (other === error || !other.schemaPath.startsWith(prefix)) continue;
      const branch = other.schemaPath.slice(prefix.length).split('/')[0] ?? '';
      byBranch.set(branch, [...(byBranch.get(branch) ?? []), other]);
      drop.add(other);
    }
    const fitting = [...byBranch.values()].filter(
      (branchErrors) =>
        !branchErrors.some((e) => e.keyword === 'type' && e.instancePath === error.instancePath),
    );
    if (fitting.length === 1 && fitting[0]) replacements.set(error, fitting[0]);
  }
  const issues: Issue[] = [];
  const seen = new Set<string>();
  const push = (issue: Issue | null): void => {
    if (!issue) return;
    const key = `${issue.pointer}\u0000${issue.code}\u0000${issue.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    issues.push(issue);
  };
  for (const error of errors) {
    if (error.keyword === 'propertyNames') continue;
    const replacement = replacements.get(error);
    if (replacement) {
      for (const inner of replacement) push(mapOne(inner));
      continue;
    }
    if (drop.has(error) && !replacements.has(error)) {
      // A branch error whose oneOf is reported as a whole (or by a fitting branch).
      continue;
    }
    push(mapOne(error));
  }
  return issues;
}
