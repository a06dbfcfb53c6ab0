import { closeObjects } from '@plugboard/definition';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { DomainError } from './domain-error.js';

export interface PointerIssue {
  pointer: string;
  code: string;
  message: string;
}

// One ajv instance for request bodies, installation configs and action inputs. Compiled validators are
// cached by schema object identity, so a connector version's schemas compile once.
const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
const cache = new WeakMap<object, ValidateFunction>();

function compile(schema: object): ValidateFunction {
  let fn = cache.get(schema);
  if (!fn) {
    fn = ajv.compile(schema);
    cache.set(schema, fn);
  }
  return fn;
}

function toIssue(error: ErrorObject): PointerIssue {
  let pointer = error.instancePath;
  if (error.keyword === 'required') {
    pointer += `/${String((error.params as { missingProperty: string }).missingProperty)}`;
  }
  if (error.keyword === 'additionalProperties') {
    pointer += `/${String((error.params as { additionalProperty: string }).additionalProperty)}`;
  }
  if (error.keyword === 'unevaluatedProperties') {
    pointer += `/${String((error.params as { unevaluatedProperty: string }).unevaluatedProperty)}`;
  }
  const message =
    error.keyword === 'additionalProperties' || error.keyword === 'unevaluatedProperties'
      ? 'is not an allowed property'
      : (error.message ?? 'is invalid');
  return { pointer, code: `SCHEMA_${error.keyword.toUpperCase()}`, message };
}

export function check(schema: object, value: unknown, prefix = ''): PointerIssue[] {
  const fn = compile(schema);
  if (fn(value)) return [];
  return (fn.errors ?? []).map((e) => {
    const issue = toIssue(e);
    return { ...issue, pointer: prefix + issue.pointer };
  });
}

/**
 * Resolves `#/schemas/Name` references of a definition against its own `schemas`, and closes its
 * object schemas the way the format reads them (unlisted properties refused unless a schema says
 * otherwise), so intake, config and output checks agree with the publish gate's diff.
 */
export function withDefinitionSchemas(
  schema: unknown,
  schemas: Record<string, unknown> | undefined,
): object {
  if (!schema || typeof schema !== 'object') return {};
  const text = JSON.stringify({ root: schema, defs: schemas ?? {} }).replace(
    /"#\/schemas\//g,
    '"#/$defs/',
  );
  const parsed = JSON.parse(text) as {
    root: Record<string, unknown>;
    defs: Record<string, unknown>;
  };
  const own = (parsed.root.$defs ?? {}) as Record<string, unknown>;
  const defs = Object.fromEntries(
    Object.entries({ ...own, ...parsed.defs }).map(([name, def]) => [name, closeObjects(def)]),
  );
  return { ...(closeObjects(parsed.root) as Record<string, unknown>), $defs: defs };
}

const keyed = new Map<string, object>();

/** The same schema object for the same key, so its compiled validator is reused. */
export function schemaFor(key: string, build: () => object): object {
  let schema = keyed.get(key);
  if (!schema) {
    schema = build();
    keyed.set(key, schema);
  }
  return schema;
}

/**
 * A schema of a connector version (`pointer` names where in its definition it sits), resolved
 * against the definition's named schemas and built once per version and place.
 */
export function connectorSchema(
  connector: { id: string; definition: { schemas?: unknown } },
  pointer: string,
  schema: unknown,
): object {
  return schemaFor(`${connector.id}#${pointer}`, () =>
    withDefinitionSchemas(
      schema ?? {},
      connector.definition.schemas as Record<string, unknown> | undefined,
    ),
  );
}

export function assertValid(schema: object, value: unknown, what: string, prefix = ''): void {
  const errors = check(schema, value, prefix);
  if (errors.length > 0) {
    throw new DomainError(
      'VALIDATION_FAILED',
      `${what} is invalid: ${errors[0]?.pointer || '/'} ${errors[0]?.message ?? ''}`.trim(),
      {
        errors,
      },
    );
  }
}
