import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addScriptNode, editConnector, makePackage, tempDir } from '../testing/fixtures.js';
import { diff, formatDiff } from './diff.js';

describe('diff', () => {
  let root: string;
  let cleanup: () => void;
  let previous: string;
  let next: string;
  beforeEach(() => {
    ({ dir: root, cleanup } = tempDir());
    previous = makePackage(root, 'old', 'acme');
    next = join(root, 'new');
    cpSync(previous, next, { recursive: true });
  });
  afterEach(() => cleanup());

  const addRequiredInput = (version: string) =>
    editConnector(next, (d) => {
      d.version = version;
      d.actions.getItem.input.properties.workspace = { type: 'string' };
      d.actions.getItem.input.required.push('workspace');
    });

  it('calls a required input property without a default breaking and a minor bump insufficient', async () => {
    addRequiredInput('0.2.0');
    const result = await diff({ previous, next });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.report).toMatchObject({ requiredBump: 'major', sufficient: false });
    const breaking = result.report.changes.filter((c) => c.class === 'breaking');
    expect(breaking.length).toBeGreaterThan(0);
    expect(breaking.some((c) => c.pointer.startsWith('/actions/getItem/input'))).toBe(true);
    const lines = formatDiff(result);
    expect(lines[0]).toBe(
      `acme 0.1.0 -> acme 0.2.0: ${result.report.changes.length} change${result.report.changes.length === 1 ? '' : 's'}`,
    );
    expect(lines.some((l) => /^\s+breaking\s+\/actions\/getItem\/input/.test(l))).toBe(true);
    expect(lines).toContain('required bump: major');
    expect(lines.at(-1)).toMatch(/^✗ /);
  });

  it('accepts the same change with a major bump', async () => {
    addRequiredInput('1.0.0');
    const result = await diff({ previous, next: join(next, 'connector.json') });
    expect(result).toMatchObject({ ok: true, report: { requiredBump: 'major', sufficient: true } });
    expect(formatDiff(result).at(-1)).toMatch(/^✓ /);
  });

  it('calls an added optional input property compatible', async () => {
    editConnector(next, (d) => {
      d.version = '0.1.1';
      d.actions.getItem.input.properties.verbose = { type: 'boolean' };
    });
    const result = await diff({ previous, next });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.report.changes).toEqual([expect.objectContaining({ class: 'compatible' })]);
    expect(result.report.requiredBump).toBe('minor');
    expect(result.report.sufficient).toBe(false);
  });

  it('compares packages with their scripts inlined, as the publish gate does', async () => {
    for (const [dir, body] of [
      [previous, 'return ctx.steps.fetch.body;'],
      [next, 'return { ...ctx.steps.fetch.body, name: ctx.steps.fetch.body.name.trim() };'],
    ] as const) {
      mkdirSync(join(dir, 'scripts'), { recursive: true });
      writeFileSync(join(dir, 'scripts', 'shape.js'), body);
      addScriptNode(dir);
    }
    editConnector(next, (d) => {
      d.version = '0.1.1';
    });
    const result = await diff({ previous, next });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.report.changes).toEqual([
      expect.objectContaining({ pointer: '/actions/getItem/flow', change: 'flow-changed' }),
    ]);
  });

  it('refuses an invalid side with located errors', async () => {
    editConnector(next, (d) => {
      d.version = 'two';
    });
    const result = await diff({ previous, next });
    expect(result).toMatchObject({
      ok: false,
      errors: [{ pointer: '/version', line: expect.any(Number) }],
    });
  });
});
