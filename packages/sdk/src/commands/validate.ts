import { join } from 'node:path';
import type { Command } from 'commander';
import {
  packBundle,
  PackageError,
  validate as validateDefinition,
  type Bundle,
  type ConnectorDefinition,
  type PackageIssue,
} from '@plugboard/definition';
import { codedError, failure, issue, type CliIssue, type CommandResult } from '../errors.js';
import { formatIssue, plural } from '../format.js';
import { readJsonFile, type JsonFile } from '../json-file.js';
import { resolveTarget, type PackageTarget } from '../package-files.js';
import { displayPath } from '../paths.js';
import { addJsonOption, printJson, setExit, type OutputOptions } from '../output.js';

export interface ValidateOptions {
  /** A package directory, or a connector.json file. */
  target: string;
}

export interface ValidateSummary {
  /** The target as printed. */
  target: string;
  /** The connector id. */
  id: string;
  /** The definition's version. */
  version: string;
  /** How many actions it defines. */
  actions: number;
  /** How many triggers it defines. */
  triggers: number;
  /** Contract cases found under the package's contracts folder (0 for a lone file). */
  contracts: number;
}

export type ValidateResult = CommandResult<{
  summary: ValidateSummary;
  /** The definition as it will be published: for a package, with its scripts inlined. */
  definition: ConnectorDefinition;
  /** The definition file, as printed. */
  definitionFile: string;
  /** For a package, its bundle. */
  bundle?: Bundle;
}>;

/**
 * Checks a package the way the publish gate will: the definition against the schema and the
 * semantic rules, the code-node scripts it names, its contracts (schema, unique names, actions and
 * triggers that exist). Every problem is reported, each at its file, line and column when known.
 * A valid package comes back with its bundle, so `pack`, `test` and `publish` read it once.
 */
export async function validate(options: ValidateOptions): Promise<ValidateResult> {
  const resolved = resolveTarget(options.target);
  if (!resolved.ok) return resolved;
  const { target } = resolved;
  const read = readJsonFile(target.definitionPath);
  if (!read.ok) return failure(read.error);
  const file = read.file;
  const errors = definitionIssues(file);

  let bundle: Bundle | undefined;
  if (target.isPackage && !target.packageJson) {
    const shown = displayPath(target.dir);
    errors.push(
      issue(
        'PACKAGE_FILE_MISSING',
        `${shown} has a definition but no package.json: add one with "plugboard": { "definition": "connector.json", "contracts": "contracts", "scripts": "scripts" } (plugboard init writes it), or check the file alone with \`plugboard validate ${displayPath(target.definitionPath)}\``,
        { file: displayPath(join(target.dir, 'package.json')) },
      ),
    );
  } else if (target.isPackage) {
    try {
      bundle = await packBundle(target.dir);
    } catch (error) {
      if (!(error instanceof PackageError)) {
        return failure(
          codedError(error, 'PACK_FAILED', `cannot read the package ${displayPath(target.dir)}`),
        );
      }
      // packBundle validates the definition too: keep its other findings (scripts, contracts).
      const known = new Set(errors.map(issueKey));
      errors.push(...packageIssues(target, error.issues).filter((e) => !known.has(issueKey(e))));
    }
  }
  if (errors.length > 0) return failure(...sortByPosition(errors));

  const definition = bundle?.definition ?? (file.value as ConnectorDefinition);
  return {
    ok: true,
    definition,
    definitionFile: file.display,
    summary: {
      target: displayPath(target.isPackage ? target.dir : target.definitionPath),
      id: definition.id,
      version: definition.version,
      actions: Object.keys(definition.actions).length,
      triggers: Object.keys(definition.triggers ?? {}).length,
      contracts: bundle?.contracts.length ?? 0,
    },
    ...(bundle ? { bundle } : {}),
  };
}

/** The validator's problems with the definition in `file`, each placed at its line and column. */
function definitionIssues(file: JsonFile): CliIssue[] {
  return validateDefinition(file.value).errors.map((problem) => ({
    code: problem.code,
    message: problem.message,
    file: file.display,
    pointer: problem.pointer,
    ...file.locate(problem.pointer),
  }));
}

/** The issues of a package read, with display paths and, where the file allows, line and column. */
function packageIssues(target: PackageTarget, issues: PackageIssue[]): CliIssue[] {
  const files = new Map<string, JsonFile | undefined>();
  const fileOf = (path: string) => {
    if (!files.has(path)) {
      const read = readJsonFile(path);
      files.set(path, read.ok ? read.file : undefined);
    }
    return files.get(path);
  };
  return issues.map(({ file, pointer, code, message, line, column }) => {
    const path = join(target.dir, file);
    const position =
      line !== undefined ? { line, column: column ?? 1 } : fileOf(path)?.locate(pointer);
    return { code, message, file: displayPath(path), pointer, ...position };
  });
}

function issueKey(issue: CliIssue): string {
  return [issue.file, issue.pointer, issue.code, issue.message].join('\0');
}

/** File order, as an editor's problem list shows them; problems without a position keep their place last. */
function sortByPosition(errors: CliIssue[]): CliIssue[] {
  return errors
    .map((error, index) => ({ error, index }))
    .sort(
      (a, b) =>
        (a.error.file ?? '').localeCompare(b.error.file ?? '') ||
        (a.error.line ?? Infinity) - (b.error.line ?? Infinity) ||
        (a.error.column ?? 0) - (b.error.column ?? 0) ||
        a.index - b.index,
    )
    .map(({ error }) => error);
}

export function formatValidate(result: ValidateResult): string[] {
  if (!result.ok) {
    return [...result.errors.map(formatIssue), `✗ ${plural(result.errors.length, 'error')}`];
  }
  const s = result.summary;
  return [
    `✓ ${s.target}: valid (${s.id}@${s.version}, ${plural(s.actions, 'action')}, ${plural(s.triggers, 'trigger')}, ${plural(s.contracts, 'contract')})`,
  ];
}

export function configureValidateCommand(program: Command): Command {
  const command = program
    .command('validate')
    .argument('<target>', 'a connector package directory, or a connector.json file')
    .description(
      'check a connector definition against the schema and the semantic rules (the checks the publish gate runs)',
    )
    .addHelpText(
      'after',
      `
Prints one line per problem: file:line:column pointer CODE message.
Exits 1 when there is any problem, 0 with a one-line summary otherwise.

Examples:
  $ plugboard validate connectors/slack
  $ plugboard validate connectors/slack/connector.json
  $ plugboard validate connectors/slack --json`,
    );
  addJsonOption(command).action(async (targetArg: string, options: OutputOptions) => {
    const result = await validate({ target: targetArg });
    // The bundle is `pack`'s output; here it would only bury the summary.
    if (options.json) {
      printJson(result.ok ? { ...result, bundle: undefined, definition: undefined } : result);
    } else for (const line of formatValidate(result)) console.log(line);
    setExit(result.ok);
  });
  return command;
}
