import jsonata from 'jsonata';
import { scanTemplates } from './templates.js';

/** A compile failure of a JSONata expression or template. */
export interface ExpressionProblem {
  message: string;
}

interface JsonataError {
  message?: string;
  position?: number;
  token?: string;
}

type AstNode = Record<string, unknown>;

function isNode(value: unknown): value is AstNode {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Names at the root of an expression's top-level paths (`input` in `input.a.b`): the variables
 * of the evaluation context it reads. Paths nested inside path steps are relative to that step,
 * not to the context, so they are not followed.
 */
export function rootNames(ast: unknown): Set<string> {
  const names = new Set<string>();
  const stack: unknown[] = [ast];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      stack.push(...(node as unknown[]));
      continue;
    }
    if (!isNode(node)) continue;
    if (node.type === 'name' && typeof node.value === 'string') {
      names.add(node.value);
      continue;
    }
    if (node.type === 'path' && Array.isArray(node.steps)) {
      const first = node.steps[0] as unknown;
      if (isNode(first)) {
        if (first.type === 'name' && typeof first.value === 'string') names.add(first.value);
        else stack.push({ ...first, stages: undefined, group: undefined });
      }
      continue;
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === 'position' || key === 'stages' || key === 'group' || key === 'predicate')
        continue;
      if (value !== null && typeof value === 'object') stack.push(value);
    }
  }
  return names;
}

function describe(error: unknown): string {
  const e = (error ?? {}) as JsonataError;
  const where = typeof e.position === 'number' ? ` at character ${e.position}` : '';
  return `${e.message ?? String(error)}${where}`;
}

function unknownNames(ast: unknown, allowed: readonly string[] | undefined): string[] {
  if (!allowed) return [];
  return [...rootNames(ast)].filter((name) => !allowed.includes(name));
}

function variablesHint(unknown: string[], allowed: readonly string[]): string {
  return `reads ${unknown.map((name) => `\`${name}\``).join(', ')}, which is not available here: use ${allowed.map((name) => `\`${name}\``).join(', ')}`;
}

/**
 * Compiles a JSONata expression; when `allowed` is given, also refuses top-level names outside
 * it (a typo such as `inputs.text` would otherwise evaluate to nothing at run time).
 */
export function checkExpression(
  expression: string,
  allowed?: readonly string[],
): ExpressionProblem | null {
  let ast: unknown;
  try {
    ast = jsonata(expression).ast();
  } catch (error) {
    return { message: `JSONata does not compile: ${describe(error)}` };
  }
  const unknown = unknownNames(ast, allowed);
  if (unknown.length > 0 && allowed)
    return { message: `expression ${variablesHint(unknown, allowed)}` };
  return null;
}

/** Checks every `{{ }}` part of a template (see {@link checkExpression}). */
export function checkTemplate(
  template: string,
  allowed?: readonly string[],
): ExpressionProblem | null {
  const scan = scanTemplates(template);
  if (scan.unclosedAt !== undefined) {
    return {
      message: `template has an unclosed \`{{\` at character ${scan.unclosedAt}: close it with \`}}\``,
    };
  }
  for (const part of scan.parts) {
    if (part.expression === '') {
      return {
        message: `template has an empty \`{{ }}\` at character ${part.start}: put an expression in it`,
      };
    }
    let ast: unknown;
    try {
      ast = jsonata(part.expression).ast();
    } catch (error) {
      return {
        message: `template part \`{{ ${part.expression} }}\` at character ${part.start} does not compile: ${describe(error)}`,
      };
    }
    const unknown = unknownNames(ast, allowed);
    if (unknown.length > 0 && allowed) {
      return {
        message: `template part \`{{ ${part.expression} }}\` ${variablesHint(unknown, allowed)}`,
      };
    }
  }
  return null;
}
