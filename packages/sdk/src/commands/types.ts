import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { failure, issue, type CommandResult } from '../errors.js';
import { describeFsError } from '../json-file.js';
import { validate } from './validate.js';
import { printErrors, setExit } from '../output.js';
import { displayPath } from '../paths.js';
import { generateTypes } from '../schema-types.js';
import { codedError } from '../errors.js';

export interface TypesOptions {
  /** A package directory or a connector.json file. */
  target: string;
  /** Write the declarations here. */
  out?: string;
}

export type TypesResult = CommandResult<{ code: string; names: string[]; out?: string }>;

/** TypeScript declarations for the package's named schemas, config, action inputs and outputs, trigger events. */
export async function types(options: TypesOptions): Promise<TypesResult> {
  const checked = await validate({ target: options.target });
  if (!checked.ok) return checked;
  const { definition, definitionFile } = checked;
  let generated: { code: string; names: string[] };
  try {
    generated = await generateTypes(definition, definitionFile);
  } catch (error) {
    return failure(
      codedError(error, 'TYPES_FAILED', `cannot generate types for ${definitionFile}`),
    );
  }
  if (options.out === undefined) return { ok: true, ...generated };
  const out = resolve(options.out);
  try {
    writeFileSync(out, generated.code);
  } catch (error) {
    return failure(
      issue('WRITE_FAILED', `cannot write ${options.out}: ${describeFsError(error)}`, {
        file: options.out,
      }),
    );
  }
  return { ok: true, ...generated, out: displayPath(out) };
}

export function configureTypesCommand(program: Command): Command {
  return program
    .command('types')
    .argument('<target>', 'a connector package directory or a connector.json file')
    .option('-o, --out <file>', 'write the declarations to this file instead of stdout')
    .description(
      "TypeScript types for the package's schemas: one export per named schema, config, action input and output, trigger event",
    )
    .addHelpText(
      'after',
      `
Names: schemas keep their key in PascalCase (#/schemas/Message -> Message); an action postMessage
gives PostMessageInput and PostMessageOutput; a trigger messageCreated gives MessageCreatedEvent.

Examples:
  $ plugboard types connectors/slack
  $ plugboard types connectors/slack --out src/slack.types.ts`,
    )
    .action(async (target: string, options: { out?: string }) => {
      const result = await types({
        target,
        ...(options.out === undefined ? {} : { out: options.out }),
      });
      if (!result.ok) printErrors(result.errors);
      else if (result.out === undefined) process.stdout.write(result.code);
      else
        console.log(
          `✓ wrote ${result.names.length} types (${result.names.join(', ')}) to ${result.out}`,
        );
      setExit(result.ok);
    });
}
