import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

const CLI_SOURCE = fileURLToPath(new URL('../cli.ts', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/plugboard.js', import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd, env: { ...process.env, ...env, NO_COLOR: '1' }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/**
 * Runs the CLI from its TypeScript sources in a child process (no build needed): workspace
 * packages resolve to their sources through the `plugboard-source` condition, as in vitest.
 */
export function runCli(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<CliRun> {
  return run(
    [
      '--no-node-snapshot',
      '--conditions=plugboard-source',
      '--import',
      TSX_LOADER,
      CLI_SOURCE,
      ...args,
    ],
    options.cwd,
    options.env ?? {},
  );
}

/** Runs the committed launcher, which imports the built dist/cli.js. */
export function runBin(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<CliRun> {
  return run([BIN, ...args], options.cwd, { NODE_OPTIONS: '', ...options.env });
}
