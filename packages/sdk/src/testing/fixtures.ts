import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { init } from '../commands/init.js';

/** A temporary directory removed by the returned `cleanup`. */
export function tempDir(prefix = 'plugboard-sdk-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A connector package scaffolded by `init` (valid, one passing contract) under `parent`. */
export function makePackage(parent: string, name = 'acme', id = name): string {
  const dir = join(parent, name);
  const result = init({ dir, id });
  if (!result.ok) throw new Error(`init failed: ${JSON.stringify(result.errors)}`);
  return dir;
}

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function readJson(path: string): Json {
  return JSON.parse(readFileSync(path, 'utf8')) as Json;
}

export function writeJson(path: string, value: unknown): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** Rewrites a package's connector.json through `change`. */
export function editConnector(dir: string, change: (definition: Json) => void): void {
  const path = join(dir, 'connector.json');
  const definition = readJson(path);
  change(definition);
  writeJson(path, definition);
}

/** 1-based line and column of the first occurrence of `needle` in `text`. */
export function positionOf(text: string, needle: string): { line: number; column: number } {
  const offset = text.indexOf(needle);
  if (offset < 0) throw new Error(`${needle} not in text`);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

/** Puts a code node running `scripts/shape.js` between the scaffold's http and output nodes. */
export function addScriptNode(dir: string): void {
  editConnector(dir, (d) => {
    d.actions.getItem.flow.nodes.splice(1, 0, {
      id: 'shape',
      type: 'code',
      script: 'scripts/shape.js',
    });
    d.actions.getItem.flow.edges = [
      { from: 'fetch', to: 'shape' },
      { from: 'shape', to: 'result' },
    ];
  });
}
