import type { ConnectorDefinition } from './generated/connector.generated.js';
import type { Issue, ValidationResult } from './issues.js';
import { checkValueLimits } from './json.js';
import { checkConnectorSchema } from './schema-check.js';
import { checkSemantics } from './semantic.js';

/**
 * Validates a connector definition: document limits, then the JSON Schema, then the semantic
 * checks (flows, expressions, references, hosts, secrets). Returns every issue found.
 */
export function validate(definition: unknown): ValidationResult {
  const limit = checkValueLimits(definition);
  if (limit) return { valid: false, errors: [limit] };
  const structural = checkConnectorSchema(definition);
  if (structural.length === 0) {
    const errors = checkSemantics(definition as ConnectorDefinition);
    return { valid: errors.length === 0, errors };
  }
  return { valid: false, errors: [...structural, ...semanticsDespite(definition, structural)] };
}

/**
 * Semantic issues of a definition that also has structural ones: those inside a structurally
 * broken value are left out (they would repeat it), and a shape the checks cannot read ends them
 * quietly, since the structural issues already say what to fix first.
 */
function semanticsDespite(definition: unknown, structural: Issue[]): Issue[] {
  let semantic: Issue[];
  try {
    semantic = checkSemantics(definition as ConnectorDefinition);
  } catch {
    return [];
  }
  const broken = structural.map((issue) => issue.pointer);
  return semantic.filter(
    (issue) =>
      !broken.some(
        (pointer) => issue.pointer === pointer || issue.pointer.startsWith(`${pointer}/`),
      ),
  );
}
