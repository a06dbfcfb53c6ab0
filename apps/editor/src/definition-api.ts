// The one place the editor reaches the definition package, so every screen validates, parses and
// diffs exactly as the CLI and the publish gate do.
import {
  canonicalJson,
  checkExpression,
  checkTemplate,
  connectorSchema as schema,
  diff,
  parseJson,
  validate,
} from '@plugboard/definition/browser';
import type {
  ConnectorDefinition,
  DiffReport,
  Issue,
  ParseJsonResult,
} from '@plugboard/definition/browser';
import type { DefinitionLike } from './model.js';

export type { DiffReport, Issue, ParseJsonResult };

export const connectorSchema: Record<string, unknown> = schema;

export function validateDefinition(definition: DefinitionLike): Issue[] {
  return validate(definition).errors;
}

export function parseJsonText(text: string): ParseJsonResult {
  return parseJson(text);
}

/** The compatibility report the publish gate will compute; a broken draft diffs as best it can. */
export function diffDefinitions(previous: DefinitionLike, next: DefinitionLike): DiffReport {
  return diff(previous as unknown as ConnectorDefinition, next as unknown as ConnectorDefinition);
}

export function canonical(value: unknown): string {
  return canonicalJson(value);
}

/** Syntax only while typing: which names are allowed is the validator's job, shown beside it. */
export function expressionProblem(expression: string): string | undefined {
  return checkExpression(expression)?.message;
}

export function templateProblem(template: string): string | undefined {
  return checkTemplate(template)?.message;
}
