import { decodeToken, type DefinitionErrorCode } from './issues.js';
import { isSchemaObject, type SchemaObject } from './schema-walk.js';

function escapeToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Why a `$ref` of an embedded schema does not resolve, or null when it does. */
export function resolveRef(
  ref: string,
  schemas: Record<string, unknown>,
): { code: DefinitionErrorCode; message: string } | null {
  if (!ref.startsWith('#/schemas/')) {
    return {
      code: 'REF_UNSUPPORTED',
      message: `$ref "${ref}" is not supported: refer to a named schema as "#/schemas/Name"`,
    };
  }
  const tokens = ref
    .slice('#/schemas/'.length)
    .split('/')
    .map((token) => decodeToken(token));
  let current: unknown = schemas;
  for (const token of tokens) {
    if (!isSchemaObject(current) && !Array.isArray(current)) current = undefined;
    current = current === undefined ? undefined : (current as Record<string, unknown>)[token];
    if (current === undefined) {
      const known = Object.keys(schemas);
      return {
        code: 'REF_UNRESOLVED',
        message: `$ref "${ref}" does not resolve: ${known.length > 0 ? `known schemas are ${known.join(', ')}` : 'the definition has no schemas'}`,
      };
    }
  }
  return null;
}

/** Refs a schema makes without consuming any part of the instance (so they can loop forever). */
function directRefs(schema: unknown, at: string): Array<{ name: string; pointer: string }> {
  const refs: Array<{ name: string; pointer: string }> = [];
  const stack: Array<{ schema: unknown; pointer: string }> = [{ schema, pointer: at }];
  while (stack.length > 0) {
    const { schema: node, pointer } = stack.pop()!;
    if (!isSchemaObject(node)) continue;
    if (typeof node.$ref === 'string' && node.$ref.startsWith('#/schemas/')) {
      const name = node.$ref.slice('#/schemas/'.length).split('/')[0] ?? '';
      refs.push({ name: decodeToken(name), pointer: `${pointer}/$ref` });
    }
    for (const keyword of ['allOf', 'anyOf', 'oneOf'] as const) {
      const list = node[keyword];
      if (Array.isArray(list))
        list.forEach((child, i) =>
          stack.push({ schema: child, pointer: `${pointer}/${keyword}/${i}` }),
        );
    }
    for (const keyword of ['not', 'if', 'then', 'else'] as const) {
      if (keyword in node) stack.push({ schema: node[keyword], pointer: `${pointer}/${keyword}` });
    }
  }
  return refs;
}

/** `$ref` cycles among named schemas that never consume any of the instance. */
export function refLoops(
  schemas: Record<string, unknown>,
): Array<{ pointer: string; path: string[] }> {
  const loops: Array<{ pointer: string; path: string[] }> = [];
  const graph = new Map<string, Array<{ name: string; pointer: string }>>();
  for (const [name, schema] of Object.entries(schemas)) {
    graph.set(name, directRefs(schema as SchemaObject, `/schemas/${escapeToken(name)}`));
  }
  const state = new Map<string, 'open' | 'done'>();
  const visit = (name: string, path: string[]): void => {
    state.set(name, 'open');
    for (const ref of graph.get(name) ?? []) {
      if (!graph.has(ref.name)) continue;
      const seen = state.get(ref.name);
      if (seen === 'open') {
        loops.push({
          pointer: ref.pointer,
          path: [...path.slice(path.indexOf(ref.name)), ref.name],
        });
      } else if (seen === undefined) {
        visit(ref.name, [...path, ref.name]);
      }
    }
    state.set(name, 'done');
  };
  for (const name of graph.keys()) if (!state.has(name)) visit(name, [name]);
  return loops;
}
