import type { ConnectorDefinition } from '@plugboard/definition';
import { validate as validateDefinition } from '@plugboard/definition';
import { failure, type CliIssue } from './errors.js';
import { readJsonFile, type JsonFile } from './json-file.js';
import { resolveTarget, type PackageTarget } from './package-files.js';

export interface LoadedDefinition {
  target: PackageTarget;
  file: JsonFile;
  definition: ConnectorDefinition;
}

/**
 * Reads the definition a target names and refuses it, with located errors, when it is not valid:
 * commands that compare, pack or run a definition must not work from a broken one.
 */
export function loadValidDefinition(
  targetArg: string,
  options: { allowFile?: boolean } = {},
): { ok: true; loaded: LoadedDefinition } | { ok: false; errors: CliIssue[] } {
  const resolved = resolveTarget(targetArg, options);
  if (!resolved.ok) return resolved;
  const read = readJsonFile(resolved.target.definitionPath);
  if (!read.ok) return failure(read.error);
  const { file } = read;
  const errors = definitionIssues(file);
  if (errors.length > 0) return failure(...errors);
  return {
    ok: true,
    loaded: { target: resolved.target, file, definition: file.value as ConnectorDefinition },
  };
}

/** The validator's problems with the definition in `file`, each placed at its line and column. */
export function definitionIssues(file: JsonFile): CliIssue[] {
  return validateDefinition(file.value as ConnectorDefinition).errors.map((problem) => ({
    code: problem.code,
    message: problem.message,
    file: file.display,
    pointer: problem.pointer,
    ...file.locate(problem.pointer),
  }));
}
