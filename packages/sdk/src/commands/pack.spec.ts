import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addScriptNode,
  editConnector,
  makePackage,
  readJson,
  tempDir,
  writeJson,
} from '../testing/fixtures.js';
import { pack } from './pack.js';

describe('pack', () => {
  let root: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir: root, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('bundles the definition with scripts inlined, the contracts and a digest', async () => {
    const dir = makePackage(root);
    mkdirSync(join(dir, 'scripts'), { recursive: true });
    writeFileSync(join(dir, 'scripts', 'shape.js'), 'return ctx.steps.fetch.body;\n');
    addScriptNode(dir);
    const result = await pack({ dir });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const { bundle } = result;
    expect(bundle.format).toBe('plugboard.bundle/1');
    expect(bundle.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(bundle.contracts.map((c) => c.name)).toEqual(['getItem returns the item']);
    const shape = bundle.definition.actions.getItem!.flow.nodes.find((n) => n.id === 'shape');
    expect(shape).toMatchObject({ source: 'return ctx.steps.fetch.body;\n' });
    expect(JSON.parse(result.json)).toEqual(bundle);
  });

  it('gives the same digest for the same definition whatever its formatting and key order', async () => {
    const dir = makePackage(root);
    const first = await pack({ dir });
    const definition = readJson(join(dir, 'connector.json'));
    const reordered = Object.fromEntries(Object.entries(definition).reverse());
    writeFileSync(join(dir, 'connector.json'), JSON.stringify(reordered));
    const second = await pack({ dir });
    if (!first.ok || !second.ok) throw new Error('pack failed');
    expect(second.bundle.digest).toBe(first.bundle.digest);

    editConnector(dir, (d) => {
      d.description = 'Something else.';
    });
    const third = await pack({ dir });
    if (!third.ok) throw new Error('pack failed');
    expect(third.bundle.digest).not.toBe(first.bundle.digest);
  });

  it('writes the bundle to --out', async () => {
    const dir = makePackage(root);
    const out = join(root, 'bundle.json');
    const result = await pack({ dir, out });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(readJson(out)).toEqual(result.bundle);
  });

  it('refuses an invalid package and a file target', async () => {
    const dir = makePackage(root);
    writeJson(join(dir, 'contracts', 'bad.json'), {
      name: 'bad',
      action: 'nope',
      interactions: [],
      expect: {},
    });
    expect(await pack({ dir })).toMatchObject({
      ok: false,
      errors: [{ code: 'CONTRACT_TARGET_UNKNOWN' }],
    });
    expect(await pack({ dir: join(dir, 'connector.json') })).toMatchObject({
      ok: false,
      errors: [{ code: 'INVALID_OPTION' }],
    });
    expect(readFileSync(join(dir, 'connector.json'), 'utf8')).toContain('"acme"');
  });
});
