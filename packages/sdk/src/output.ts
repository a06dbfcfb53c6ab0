import type { Command } from 'commander';
import type { CliIssue } from './errors.js';
import { formatIssue } from './format.js';

export interface OutputOptions {
  json?: boolean;
}

export function addJsonOption(command: Command): Command {
  return command.option('--json', 'print the result as JSON (for scripts and CI)');
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Exit status without `process.exit`, so buffered output is flushed first. */
export function setExit(ok: boolean): void {
  if (!ok) process.exitCode = 1;
}

/** Failures that stop a command before it has a report: on stderr, one per line. */
export function printErrors(errors: CliIssue[]): void {
  for (const problem of errors) console.error(formatIssue(problem));
}
