import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface BootstrapScript {
  filename: string;
  source: string;
}

let cached: BootstrapScript[] | undefined;

/**
 * The scripts every isolate runs once, in order: JSONata's browser build (straight from
 * node_modules, so upgrading the dependency upgrades the sandbox) and the flow interpreter.
 */
export function engineBootstrap(): BootstrapScript[] {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const jsonataPath = require.resolve('jsonata/jsonata.min.js');
  // src/isolate/interpreter.js beside this file; the build copies it to dist/isolate/.
  const interpreterPath = fileURLToPath(new URL('./interpreter.js', import.meta.url));
  cached = [
    { filename: 'jsonata.min.js', source: readFileSync(jsonataPath, 'utf8') },
    { filename: 'plugboard-interpreter.js', source: readFileSync(interpreterPath, 'utf8') },
  ];
  return cached;
}

export const ENTRY_RUN = '__plugboardRun';
export const ENTRY_EVALUATE = '__plugboardEvaluate';
export const ENTRY_OUTCOME = '__plugboardOutcome';
