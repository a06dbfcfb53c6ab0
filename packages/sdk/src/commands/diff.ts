import type { Command } from 'commander';
import {
  checkVersionBump,
  diff as diffDefinitions,
  type Bump,
  type DiffReport,
} from '@plugboard/definition';
import { failure, type CliIssue, type CommandResult } from '../errors.js';
import { formatChanges, formatIssue, plural } from '../format.js';
import { validate } from './validate.js';
import { addJsonOption, printErrors, printJson, setExit, type OutputOptions } from '../output.js';

export interface DiffOptions {
  /** The previous version: a package directory or a connector.json file. */
  previous: string;
  /** The new version. */
  next: string;
}

export interface DiffSummary {
  previous: { id: string; version: string };
  next: { id: string; version: string };
  changes: DiffReport['changes'];
  requiredBump: Bump;
  /** The bump the version numbers actually make (`none` for a downgrade or an unchanged version). */
  actualBump: Bump;
  /** Whether the new version number is enough for the changes. */
  sufficient: boolean;
  /** Why the version is or is not enough, in words. */
  verdict: string;
}

export type DiffResult = CommandResult<{ report: DiffSummary }>;

/** The compatibility report between two versions of a connector, and whether the bump suffices. */
export async function diff(options: DiffOptions): Promise<DiffResult> {
  const errors: CliIssue[] = [];
  const [previous, next] = await Promise.all([
    validate({ target: options.previous }),
    validate({ target: options.next }),
  ]);
  if (!previous.ok) errors.push(...previous.errors);
  if (!next.ok) errors.push(...next.errors);
  if (!previous.ok || !next.ok) return failure(...errors);

  // Package definitions come with their scripts inlined, as the publish gate compares them.
  const prev = previous.definition;
  const nextDefinition = next.definition;
  const report = diffDefinitions(prev, nextDefinition);
  const bump = checkVersionBump(prev, nextDefinition);
  return {
    ok: true,
    report: {
      previous: { id: prev.id, version: prev.version },
      next: { id: nextDefinition.id, version: nextDefinition.version },
      changes: report.changes,
      requiredBump: report.requiredBump,
      actualBump: bump.actualBump,
      sufficient: bump.ok,
      verdict: bump.message,
    },
  };
}

export function formatDiff(result: DiffResult): string[] {
  if (!result.ok) return result.errors.map(formatIssue);
  const r = result.report;
  const lines = [
    `${r.previous.id} ${r.previous.version} -> ${r.next.id} ${r.next.version}: ${plural(r.changes.length, 'change')}`,
  ];
  if (r.previous.id !== r.next.id) {
    lines.push(`  note: the ids differ; the runtime treats these as two connectors`);
  }
  lines.push(...formatChanges(r.changes));
  lines.push(`required bump: ${r.requiredBump}`);
  lines.push(`${r.sufficient ? '✓' : '✗'} ${r.verdict}`);
  return lines;
}

export function configureDiffCommand(program: Command): Command {
  const command = program
    .command('diff')
    .argument('<old>', 'the previous version: a package directory or a connector.json file')
    .argument('<new>', 'the new version: a package directory or a connector.json file')
    .description(
      'compatibility report between two versions of a connector: every change, its class and the bump it needs',
    )
    .addHelpText(
      'after',
      `
Each change is printed with its class (compatible or breaking), its JSON pointer and the reason.
Inputs are checked backward (old payloads must stay valid), outputs forward (old readers must still
understand them); removing an action or trigger or changing auth is breaking.

Exit status: 0 when the new version number is a big enough bump for the changes, 1 when it is not
(for example a breaking change without a major bump) or when either side is invalid.

Examples:
  $ plugboard diff ../slack-1.0.0 connectors/slack
  $ plugboard diff old/connector.json new/connector.json --json`,
    );
  addJsonOption(command).action(async (previous: string, next: string, options: OutputOptions) => {
    const result = await diff({ previous, next });
    if (options.json) printJson(result);
    else if (!result.ok) printErrors(result.errors);
    else for (const line of formatDiff(result)) console.log(line);
    setExit(result.ok && result.report.sufficient);
  });
  return command;
}
