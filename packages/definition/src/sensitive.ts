import type { ConnectorDefinition } from './generated/connector.generated.js';
import { decodeToken, escapePointerToken } from './issues.js';
import { isSchemaObject } from './schema-walk.js';

/** What {@link redact} puts in place of a sensitive value. */
export const REDACTED = '[REDACTED]';

/** The annotation that marks a value sensitive in an embedded schema: `"sensitive": true`. */
export const SENSITIVE_KEYWORD = 'sensitive';

/**
 * Pointer patterns of the values a schema marks `"sensitive": true`, following `#/schemas/Name`
 * refs of the definition. `*` stands for any array index or property name, so `/users/*\/token`
 * covers every user's token.
 */
export function sensitivePaths(
  definition: Pick<ConnectorDefinition, 'schemas'>,
  schema: unknown,
): string[] {
  const found = new Set<string>();
  const stack: Array<{ schema: unknown; path: string; refs: string[] }> = [
    { schema, path: '', refs: [] },
  ];
  while (stack.length > 0) {
    const { schema: node, path, refs } = stack.pop()!;
    if (!isSchemaObject(node)) continue;
    if (node[SENSITIVE_KEYWORD] === true) {
      found.add(path);
      continue;
    }
    if (
      typeof node.$ref === 'string' &&
      node.$ref.startsWith('#/schemas/') &&
      !refs.includes(node.$ref)
    ) {
      let target: unknown = definition.schemas;
      for (const token of node.$ref.slice('#/schemas/'.length).split('/')) {
        target = isSchemaObject(target) ? target[decodeToken(token)] : undefined;
      }
      stack.push({ schema: target, path, refs: [...refs, node.$ref] });
    }
    if (isSchemaObject(node.properties)) {
      for (const [name, child] of Object.entries(node.properties)) {
        stack.push({ schema: child, path: `${path}/${escapePointerToken(name)}`, refs });
      }
    }
    for (const key of [
      'items',
      'additionalProperties',
      'unevaluatedProperties',
      'contains',
    ] as const) {
      if (key in node) stack.push({ schema: node[key], path: `${path}/*`, refs });
    }
    for (const key of ['prefixItems', 'allOf', 'anyOf', 'oneOf'] as const) {
      const list = node[key];
      if (!Array.isArray(list)) continue;
      list.forEach((child, index) =>
        stack.push({
          schema: child,
          path: key === 'prefixItems' ? `${path}/${index}` : path,
          refs,
        }),
      );
    }
    for (const key of ['then', 'else'] as const) {
      if (key in node) stack.push({ schema: node[key], path, refs });
    }
    if (isSchemaObject(node.patternProperties)) {
      for (const child of Object.values(node.patternProperties))
        stack.push({ schema: child, path: `${path}/*`, refs });
    }
  }
  return [...found].sort();
}

/** A copy of `value` with every value at one of the pointer patterns replaced by {@link REDACTED}. */
export function redact(value: unknown, patterns: readonly string[]): unknown {
  if (patterns.length === 0) return value;
  const split = patterns.map((pattern) =>
    pattern === '' ? [] : pattern.slice(1).split('/').map(decodeToken),
  );
  const walk = (node: unknown, live: string[][], depth: number): unknown => {
    if (live.some((tokens) => tokens.length === depth)) return REDACTED;
    if (node === null || typeof node !== 'object' || depth > 64) return node;
    const step = (key: string, child: unknown): unknown => {
      const next = live.filter((tokens) => tokens[depth] === '*' || tokens[depth] === key);
      return next.length === 0 ? child : walk(child, next, depth + 1);
    };
    if (Array.isArray(node)) return node.map((child: unknown, index) => step(String(index), child));
    return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, step(key, child)]));
  };
  return walk(value, split, 0);
}
