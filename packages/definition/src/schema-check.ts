import { createAjv, type AjvInstance } from './ajv.js';
import { connectorSchema, contractSchema } from './generated/schemas.generated.js';
import { escapePointerToken, type Issue } from './issues.js';
import { checkValueLimits } from './json.js';
import { isPatternSafe } from './regex-safety.js';
import { mapSchemaErrors, registerRefRoots } from './schema-errors.js';

type Check = (value: unknown) => Issue[];

let formatAjv: AjvInstance | undefined;
let connectorCheck: Check | undefined;
let contractCheck: Check | undefined;
let matcherCheck: Check | undefined;

function compile(schema: Record<string, unknown>): Check {
  formatAjv ??= createAjv();
  registerRefRoots([connectorSchema, contractSchema]);
  const check = formatAjv.compile(schema);
  return (value) => (check(value) ? [] : mapSchemaErrors(check.errors ?? []));
}

/** Structural issues of a connector definition against `connector.schema.json`. */
export function checkConnectorSchema(value: unknown): Issue[] {
  connectorCheck ??= compile(connectorSchema);
  return connectorCheck(value);
}

function checkMatcher(matcher: Record<string, unknown>, pointer: string): Issue[] {
  if (!matcherCheck) {
    compile(contractSchema);
    matcherCheck = compile({ $ref: `${String(contractSchema.$id)}#/$defs/Matcher` });
  }
  const shape = matcherCheck(matcher).map((issue) => ({
    ...issue,
    pointer: `${pointer}${issue.pointer}`,
  }));
  if (shape.length > 0) return shape;
  const invalid = (message: string): Issue[] => [
    { pointer, code: 'CONTRACT_MATCHER_INVALID', message },
  ];
  const example = matcher.example;
  switch (matcher.$match) {
    case 'regex': {
      const pattern = String(matcher.pattern);
      let re: RegExp;
      try {
        re = new RegExp(pattern, 'u');
      } catch (error) {
        return [
          {
            pointer: `${pointer}/pattern`,
            code: 'CONTRACT_MATCHER_INVALID',
            message: `pattern does not compile: ${(error as Error).message}`,
          },
        ];
      }
      // Contracts run on the host at publish time: a hanging pattern would stall the runtime.
      if (!isPatternSafe(pattern)) {
        return [
          {
            pointer: `${pointer}/pattern`,
            code: 'PATTERN_UNSAFE',
            message: `pattern ${JSON.stringify(pattern)} can backtrack catastrophically: rewrite it without nested or overlapping repetition`,
          },
        ];
      }
      return re.test(String(example))
        ? []
        : invalid(`the example ${JSON.stringify(example)} does not match its own pattern`);
    }
    case 'minLength':
      return Array.isArray(example) && example.length >= Number(matcher.min)
        ? []
        : invalid(`the example must be an array of at least ${String(matcher.min)} elements`);
    default:
      return [];
  }
}

/** Issues of the matchers (`{ "$match": ... }` objects) anywhere in a case's requests and expectation. */
function checkMatchers(value: unknown): Issue[] {
  const issues: Issue[] = [];
  const roots: Array<{ value: unknown; pointer: string }> = [];
  const contract = value as { interactions?: unknown; expect?: unknown };
  if (Array.isArray(contract.interactions)) {
    contract.interactions.forEach((interaction: unknown, index) => {
      const request = (interaction as { request?: unknown } | null)?.request;
      roots.push({ value: request, pointer: `/interactions/${index}/request` });
    });
  }
  roots.push({ value: contract.expect, pointer: '/expect' });
  const stack = roots;
  while (stack.length > 0) {
    const { value: node, pointer } = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (!Array.isArray(node) && '$match' in node) {
      issues.push(...checkMatcher(node as Record<string, unknown>, pointer));
      const inner = (node as { example?: unknown }).example;
      if ((node as { $match?: unknown }).$match === 'eachLike')
        stack.push({ value: inner, pointer: `${pointer}/example` });
      continue;
    }
    for (const [key, child] of Object.entries(node)) {
      stack.push({ value: child, pointer: `${pointer}/${escapePointerToken(key)}` });
    }
  }
  return issues;
}

/**
 * Issues of one contract case: its shape against `contract.schema.json`, then its matchers (shape,
 * a regex that compiles and cannot hang, an example that satisfies its own matcher).
 */
export function checkContractSchema(value: unknown): Issue[] {
  const limit = checkValueLimits(value);
  if (limit) return [limit];
  contractCheck ??= compile(contractSchema);
  const structural = contractCheck(value);
  if (structural.length > 0) return structural;
  return checkMatchers(value);
}
