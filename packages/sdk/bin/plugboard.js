#!/usr/bin/env node
// The `plugboard` launcher. `plugboard test` runs contracts in isolated-vm, which needs Node started
// with --no-node-snapshot; that flag cannot be set once Node runs, so the launcher starts Node again
// with it when it is missing. The work is in ../dist/cli.js, built by `npm install` (root prepare).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const FLAG = '--no-node-snapshot';
const hasFlag =
  process.execArgv.includes(FLAG) || (process.env.NODE_OPTIONS ?? '').split(/\s+/).includes(FLAG);

if (!hasFlag) {
  const child = spawn(
    process.execPath,
    [FLAG, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('exit', (code, signal) => {
    if (signal) {
      // Die of the same signal, so the shell sees what the child saw.
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else process.exit(code ?? 1);
  });
} else {
  const cli = new URL('../dist/cli.js', import.meta.url);
  if (!existsSync(fileURLToPath(cli))) {
    console.error(
      'plugboard: packages/sdk is not built (dist/cli.js is missing): run `npm run build -w @plugboard/sdk`',
    );
    process.exit(1);
  }
  await import(cli.href);
}
