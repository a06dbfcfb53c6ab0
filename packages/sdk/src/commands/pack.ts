import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Bundle } from '@plugboard/definition';
import { failure, issue, type CommandResult } from '../errors.js';
import { describeFsError } from '../json-file.js';
import { plural } from '../format.js';
import { printErrors, setExit } from '../output.js';
import { displayPath } from '../paths.js';
import { resolveTarget } from '../package-files.js';
import { validate } from './validate.js';

export interface PackOptions {
  /** The package directory. */
  dir: string;
  /** Write the bundle here instead of returning it only. */
  out?: string;
}

export type PackResult = CommandResult<{ bundle: Bundle; json: string; out?: string }>;

/**
 * The bundle `publish` sends: the definition with code-node scripts inlined, the contracts and
 * the digest. A package that does not validate is not packed, so a bundle is always publishable
 * as far as the local checks can tell.
 */
export async function pack(options: PackOptions): Promise<PackResult> {
  const resolved = resolveTarget(options.dir, { allowFile: false });
  if (!resolved.ok) return resolved;
  const checked = await validate({ target: options.dir });
  if (!checked.ok) return checked;
  const { bundle } = checked;
  if (!bundle) return failure(issue('PACK_FAILED', `${options.dir} gave no bundle`));
  const json = `${JSON.stringify(bundle, null, 2)}\n`;
  if (options.out === undefined) return { ok: true, bundle, json };
  const out = resolve(options.out);
  try {
    writeFileSync(out, json);
  } catch (error) {
    return failure(
      issue('WRITE_FAILED', `cannot write ${options.out}: ${describeFsError(error)}`, {
        file: options.out,
      }),
    );
  }
  return { ok: true, bundle, json, out: displayPath(out) };
}

export function configurePackCommand(program: Command): Command {
  return program
    .command('pack')
    .argument('<dir>', 'the connector package directory')
    .option('-o, --out <file>', 'write the bundle to this file instead of stdout')
    .description(
      'build the bundle JSON that publish sends: definition with scripts inlined, contracts, digest',
    )
    .addHelpText(
      'after',
      `
The package is validated first; a package with errors is not packed (exit 1).
The digest is sha256 over the canonical JSON of the definition: formatting and key order do not change it.

Examples:
  $ plugboard pack connectors/slack > slack.bundle.json
  $ plugboard pack connectors/slack --out slack.bundle.json`,
    )
    .action(async (dir: string, options: { out?: string }) => {
      const result = await pack({
        dir,
        ...(options.out === undefined ? {} : { out: options.out }),
      });
      if (!result.ok) printErrors(result.errors);
      else if (result.out === undefined) process.stdout.write(result.json);
      else {
        const { definition, contracts, digest } = result.bundle;
        console.log(
          `✓ packed ${definition.id}@${definition.version} (${plural(contracts.length, 'contract')}, ${digest}) to ${result.out}`,
        );
      }
      setExit(result.ok);
    });
}
