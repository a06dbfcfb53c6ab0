import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { configureDiffCommand } from './commands/diff.js';
import { configureInitCommand } from './commands/init.js';
import { configurePackCommand } from './commands/pack.js';
import { configurePublishCommand } from './commands/publish.js';
import { configureTestCommand } from './commands/test.js';
import { configureTypesCommand } from './commands/types.js';
import { configureValidateCommand } from './commands/validate.js';

function sdkVersion(): string {
  const pkg: unknown = JSON.parse(
    readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
  );
  return typeof pkg === 'object' && pkg !== null && 'version' in pkg
    ? String(pkg.version)
    : '0.0.0';
}

/** The `plugboard` command with every subcommand wired. */
export function createProgram(): Command {
  const program = new Command('plugboard')
    .description('Build, check, test and publish Plugboard connector packages')
    .version(sdkVersion())
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
A connector package is a folder: package.json (with a "plugboard" field), connector.json,
contracts/*.json and scripts/*.js for code nodes.

Examples:
  $ plugboard init connectors/acme
  $ plugboard validate connectors/acme
  $ plugboard test connectors/acme
  $ plugboard diff ../acme-1.0.0 connectors/acme
  $ plugboard publish connectors/acme --url http://localhost:3000 --key pb_...`,
    );
  configureInitCommand(program);
  configureValidateCommand(program);
  configureTestCommand(program);
  configureDiffCommand(program);
  configurePackCommand(program);
  configureTypesCommand(program);
  configurePublishCommand(program);
  return program;
}
