import { createAjv, type AjvInstance } from './ajv.js';
import { connectorSchema, contractSchema } from './generated/schemas.generated.js';
import type { Issue } from './issues.js';
import { mapSchemaErrors, registerRefRoots } from './schema-errors.js';

type Check = (value: unknown) => Issue[];

let formatAjv: AjvInstance | undefined;
let connectorCheck: Check | undefined;
let contractCheck: Check | undefined;

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

/** Structural issues of one contract case against `contract.schema.json`. */
export function checkContractSchema(value: unknown): Issue[] {
  contractCheck ??= compile(contractSchema);
  return contractCheck(value);
}
