import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RUNTIME_NODE_FLAGS } from './node-flags.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
const scripts = (file: string) =>
  (JSON.parse(readFileSync(join(root, file), 'utf8')) as { scripts: Record<string, string> })
    .scripts;

describe('runtime node flags', () => {
  it('are the ones every start script of the runtime passes to node', () => {
    const commands = [
      scripts('package.json').start,
      scripts('apps/runtime/package.json').start,
      scripts('apps/runtime/package.json').worker,
    ];
    for (const command of commands) {
      const node = command!.slice(command!.indexOf('node '));
      for (const flag of RUNTIME_NODE_FLAGS) expect(node, command).toContain(` ${flag}`);
    }
  });
});
