import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { editConnector, makePackage, readJson, tempDir, writeJson } from '../testing/fixtures.js';
import { formatTest, test } from './test.js';

describe('test', () => {
  let root: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir: root, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('passes the contract of a freshly scaffolded package', async () => {
    const dir = makePackage(root);
    const result = await test({ dir });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result).toMatchObject({ passed: 1, failed: 0 });
    expect(formatTest(result)).toEqual(['✓ getItem returns the item', '1 passed, 0 failed']);
  });

  it('reports a case whose expected output differs, with what differed', async () => {
    const dir = makePackage(root);
    const path = join(dir, 'contracts', 'happy-path.json');
    const contract = readJson(path);
    writeJson(path, [
      contract,
      {
        ...contract,
        name: 'wrong name expected',
        expect: { output: { id: '42', name: 'Another' } },
      },
    ]);
    const result = await test({ dir });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result).toMatchObject({ passed: 1, failed: 1 });
    const lines = formatTest(result);
    expect(lines[0]).toBe('✓ getItem returns the item');
    expect(lines[1]).toBe('✗ wrong name expected');
    expect(lines.slice(2, -1).join('\n')).toMatch(/name/);
    expect(lines.slice(2, -1).join('\n')).toMatch(/Another/);
    expect(lines.at(-1)).toBe('1 passed, 1 failed');
  });

  it('fails a case whose flow makes a request no interaction matches', async () => {
    const dir = makePackage(root);
    editConnector(dir, (d) => {
      d.actions.getItem.flow.nodes[0].path = '/v2/items/{{ input.id }}';
    });
    const result = await test({ dir });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.failed).toBe(1);
    expect(formatTest(result).join('\n')).toContain('CONTRACT_UNMATCHED_REQUEST');
  });

  it('runs only the cases matching --filter', async () => {
    const dir = makePackage(root);
    const path = join(dir, 'contracts', 'happy-path.json');
    const contract = readJson(path);
    writeJson(path, [contract, { ...contract, name: 'second case' }]);
    const result = await test({ dir, filter: 'second' });
    expect(result).toMatchObject({
      ok: true,
      passed: 1,
      failed: 0,
      results: [{ name: 'second case' }],
    });
    const none = await test({ dir, filter: 'third' });
    if (!none.ok) throw new Error(JSON.stringify(none.errors));
    expect(formatTest(none)).toEqual([
      'no contract case name contains "third"',
      '0 passed, 0 failed',
    ]);
  });

  it('refuses an invalid package before running anything', async () => {
    const dir = makePackage(root);
    editConnector(dir, (d) => {
      d.actions.getItem.flow.edges = [];
    });
    expect(await test({ dir })).toMatchObject({
      ok: false,
      errors: [
        expect.objectContaining({ pointer: expect.stringContaining('/actions/getItem/flow') }),
      ],
    });
  });
});
