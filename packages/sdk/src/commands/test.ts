import type { Command } from 'commander';
import type { runContracts as RunContracts } from '@plugboard/engine';
import { codedError, failure, issue, type CommandResult } from '../errors.js';
import { formatCase, type CaseOutcome } from '../format.js';
import { addJsonOption, printErrors, printJson, setExit, type OutputOptions } from '../output.js';
import { displayPath } from '../paths.js';
import { resolveTarget } from '../package-files.js';

import { validate } from './validate.js';

type EngineDefinition = Parameters<typeof RunContracts>[0]['definition'];

export interface TestOptions {
  /** The package directory. */
  dir: string;
  /** Run only the cases whose name contains this text. */
  filter?: string;
}

/** One contract case's outcome, as the engine's contract runner reports it. */
export type CaseResult = CaseOutcome;

export type TestResult = CommandResult<{
  /** The --filter text, when one was given. */
  filter?: string;
  package: string;
  results: CaseResult[];
  passed: number;
  failed: number;
}>;

/**
 * Runs the package's contract cases in the real sandbox against their recorded interactions
 * (no network). The package is validated first: a contract run on a broken definition would only
 * repeat the validator's errors less clearly.
 */
export async function test(options: TestOptions): Promise<TestResult> {
  const resolved = resolveTarget(options.dir, { allowFile: false });
  if (!resolved.ok) return resolved;
  const checked = await validate({ target: options.dir });
  if (!checked.ok) return checked;
  const where = displayPath(resolved.target.dir);
  const { definition, contracts: all = [] } = checked.bundle ?? {};
  if (!definition) return failure(issue('TEST_FAILED', `${where} gave no definition`));
  const contracts =
    options.filter === undefined ? all : all.filter((c) => c.name.includes(options.filter ?? ''));
  try {
    // The engine loads isolated-vm, which needs `--no-node-snapshot`; only this command pays for it.
    const { runContracts } = await import('@plugboard/engine');
    // The engine declares its own structural view of a definition; the generated type is the same
    // document but lacks the view's index signatures, hence the cast.
    const results: CaseResult[] = await runContracts({
      definition: definition as unknown as EngineDefinition,
      contracts,
    });
    const passed = results.filter((r) => r.passed).length;
    const filter = options.filter === undefined ? {} : { filter: options.filter };
    return {
      ok: true,
      package: where,
      ...filter,
      results,
      passed,
      failed: results.length - passed,
    };
  } catch (error) {
    return failure(codedError(error, 'TEST_FAILED', `cannot run the contracts of ${where}`));
  }
}

export function formatTest(result: Extract<TestResult, { ok: true }>): string[] {
  const lines = result.results.flatMap((r) => formatCase(r));
  if (result.results.length === 0) {
    lines.push(
      result.filter === undefined
        ? `no contract cases in ${result.package}: add some under its contracts folder`
        : `no contract case name contains "${result.filter}"`,
    );
  }
  lines.push(`${result.passed} passed, ${result.failed} failed`);
  return lines;
}

export function configureTestCommand(program: Command): Command {
  const command = program
    .command('test')
    .argument('<dir>', 'the connector package directory')
    .option('-f, --filter <text>', 'run only the cases whose name contains this text')
    .description(
      "run the package's contract cases in the sandbox against their recorded interactions (offline)",
    )
    .addHelpText(
      'after',
      `
Prints one line per case (✓ or ✗ and its name), what differed for each failure, and a summary
"N passed, N failed". Exits 1 when any case fails, the package does not validate, or --filter
selects no case.

Examples:
  $ plugboard test connectors/slack
  $ plugboard test connectors/slack --filter pagination --json`,
    );
  addJsonOption(command).action(
    async (dir: string, options: OutputOptions & { filter?: string }) => {
      const result = await test({
        dir,
        ...(options.filter === undefined ? {} : { filter: options.filter }),
      });
      if (options.json) printJson(result);
      else if (!result.ok) printErrors(result.errors);
      else for (const line of formatTest(result)) console.log(line);
      // A filter that selects nothing is a typo, not a pass.
      const selectedNothing =
        result.ok && result.filter !== undefined && result.results.length === 0;
      setExit(result.ok && result.failed === 0 && !selectedNothing);
    },
  );
  return command;
}
