import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addScriptNode,
  editConnector,
  makePackage,
  positionOf,
  tempDir,
  writeJson,
} from '../testing/fixtures.js';
import { displayPath } from '../paths.js';
import { formatValidate, validate } from './validate.js';

describe('validate', () => {
  let root: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir: root, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('accepts a valid package and summarises it', async () => {
    const dir = makePackage(root);
    const result = await validate({ target: dir });
    expect(result).toMatchObject({
      ok: true,
      summary: { id: 'acme', version: '0.1.0', actions: 1, triggers: 0, contracts: 1 },
    });
    expect(formatValidate(result)).toEqual([
      `✓ ${displayPath(dir)}: valid (acme@0.1.0, 1 action, 0 triggers, 1 contract)`,
    ]);
  });

  it('accepts a lone connector.json', async () => {
    const dir = makePackage(root);
    const result = await validate({ target: join(dir, 'connector.json') });
    expect(result).toMatchObject({
      ok: true,
      summary: { contracts: 0, target: displayPath(join(dir, 'connector.json')) },
    });
  });

  it('reports every error with its pointer, code and line:column in the file', async () => {
    const dir = makePackage(root);
    editConnector(dir, (d) => {
      d.actions.getItem.flow.edges.push({ from: 'result', to: 'nowhere' });
      d.actions.getItem.urgency = 'someday';
    });
    const result = await validate({ target: dir });
    if (result.ok) throw new Error('expected errors');
    const text = readFileSync(join(dir, 'connector.json'), 'utf8');
    const edge = result.errors.find((e) => e.code === 'EDGE_UNKNOWN_NODE');
    expect(edge).toMatchObject({
      file: displayPath(join(dir, 'connector.json')),
      pointer: expect.stringMatching(/^\/actions\/getItem\/flow\/edges\/1/),
    });
    const urgency = result.errors.find((e) => e.pointer === '/actions/getItem/urgency');
    expect(urgency).toMatchObject({ code: 'SCHEMA_ENUM', ...positionOf(text, '"urgency"') });
    const lines = formatValidate(result);
    expect(lines).toContain(
      `${displayPath(join(dir, 'connector.json'))}:${urgency!.line}:${urgency!.column} /actions/getItem/urgency SCHEMA_ENUM ${urgency!.message}`,
    );
    expect(lines.at(-1)).toBe(`✗ ${result.errors.length} errors`);
  });

  it('gives line and column of malformed JSON', async () => {
    const dir = makePackage(root);
    writeFileSync(
      join(dir, 'connector.json'),
      '{\n  "id": "acme",\n  "version": "1.0.0"\n  "name": "x"\n}\n',
    );
    const result = await validate({ target: dir });
    expect(result).toMatchObject({
      ok: false,
      errors: [{ code: 'JSON_SYNTAX', line: 4, column: 3 }],
    });
  });

  it('refuses a missing path, a folder without connector.json, an unreadable one and a broken package.json with codes', async () => {
    expect(await validate({ target: join(root, 'missing') })).toMatchObject({
      ok: false,
      errors: [{ code: 'PATH_NOT_FOUND' }],
    });
    mkdirSync(join(root, 'empty'));
    expect(await validate({ target: join(root, 'empty') })).toMatchObject({
      ok: false,
      errors: [{ code: 'DEFINITION_NOT_FOUND' }],
    });
    mkdirSync(join(root, 'odd', 'connector.json'), { recursive: true });
    expect(await validate({ target: join(root, 'odd') })).toMatchObject({
      ok: false,
      errors: [{ code: 'FILE_UNREADABLE', message: expect.stringContaining('is a directory') }],
    });
    const dir = makePackage(root, 'broken');
    writeFileSync(join(dir, 'package.json'), '{ "plugboard": ');
    expect(await validate({ target: dir })).toMatchObject({
      ok: false,
      errors: [{ code: 'PACKAGE_JSON_INVALID', line: 1 }],
    });
  });

  it('asks for a package.json when a folder holds only a definition, and still checks the definition', async () => {
    const dir = makePackage(root);
    rmSync(join(dir, 'package.json'));
    editConnector(dir, (d) => {
      d.version = 'one';
    });
    const result = await validate({ target: dir });
    expect(result).toMatchObject({
      ok: false,
      errors: [
        { code: 'SCHEMA_PATTERN', pointer: '/version' },
        { code: 'PACKAGE_FILE_MISSING', file: displayPath(join(dir, 'package.json')) },
      ],
    });
  });

  it('follows the plugboard field of package.json to the definition', async () => {
    const dir = makePackage(root);
    writeFileSync(join(dir, 'definition.json'), readFileSync(join(dir, 'connector.json')));
    writeFileSync(join(dir, 'connector.json'), 'not json');
    writeJson(join(dir, 'package.json'), {
      name: 'x',
      plugboard: { definition: 'definition.json', contracts: 'contracts' },
    });
    expect(await validate({ target: dir })).toMatchObject({ ok: true });
  });

  it('reports contracts naming an unknown action and code nodes naming a missing script', async () => {
    const dir = makePackage(root);
    writeJson(join(dir, 'contracts', 'other.json'), [
      { name: 'wrong', action: 'getItems', input: {}, interactions: [], expect: { output: {} } },
    ]);
    addScriptNode(dir);
    // The package reader stops at a missing file, so the contract is checked once the script exists.
    const result = await validate({ target: dir });
    if (result.ok) throw new Error('expected errors');
    const connectorText = readFileSync(join(dir, 'connector.json'), 'utf8');
    expect(result.errors).toEqual([
      expect.objectContaining({
        code: 'PACKAGE_SCRIPT_MISSING',
        file: displayPath(join(dir, 'connector.json')),
        pointer: '/actions/getItem/flow/nodes/1/script',
        ...positionOf(connectorText, '"script"'),
      }),
    ]);
    mkdirSync(join(dir, 'scripts'), { recursive: true });
    writeFileSync(join(dir, 'scripts', 'shape.js'), 'return ctx.steps.fetch.body;');
    const again = await validate({ target: dir });
    if (again.ok) throw new Error('expected errors');
    const contractText = readFileSync(join(dir, 'contracts', 'other.json'), 'utf8');
    expect(again.errors).toEqual([
      expect.objectContaining({
        code: 'CONTRACT_TARGET_UNKNOWN',
        file: displayPath(join(dir, 'contracts', 'other.json')),
        pointer: '/0/action',
        ...positionOf(contractText, '"action"'),
      }),
    ]);
  });
});
