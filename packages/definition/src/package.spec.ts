import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { digest } from './digest.js';
import { canonicalJson } from './json.js';
import { PackageError, loadPackage, packBundle } from './package.js';
import { makeAction, makeConnector } from './testing.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plugboard-pkg-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(path: string, content: unknown): Promise<void> {
  await mkdir(join(dir, path, '..'), { recursive: true });
  await writeFile(
    join(dir, path),
    typeof content === 'string' ? content : JSON.stringify(content, null, 2),
  );
}

const contract = (name: string) => ({
  name,
  action: 'echo',
  input: { text: 'hi' },
  interactions: [
    { request: { method: 'POST', path: '/echo' }, response: { status: 200, body: { ok: true } } },
  ],
  expect: { output: { ok: true } },
});

const withScript = (script = 'scripts/prep.js') =>
  makeConnector({
    actions: {
      echo: makeAction({
        flow: {
          nodes: [
            { id: 'prep', type: 'code', script },
            { id: 'done', type: 'output', value: 'steps.prep' },
          ],
          edges: [{ from: 'prep', to: 'done' }],
        },
      }),
    },
  });

async function caught(promise: Promise<unknown>): Promise<PackageError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PackageError);
  return error as PackageError;
}

describe('loadPackage', () => {
  it('reads package.json, the definition, contracts (single or array) and inlines scripts', async () => {
    await write('package.json', { name: 'acme', plugboard: { definition: 'connector.json' } });
    await write('connector.json', withScript());
    await write('scripts/prep.js', 'return { text: ctx.input.text.trim() };');
    await write('contracts/one.json', contract('one'));
    await write('contracts/more.json', [contract('two'), contract('three')]);
    await write('contracts/notes.txt', 'ignored');
    await write('README.md', '# Acme');
    const pkg = await loadPackage(dir);
    expect(pkg.contracts.map((c) => c.name)).toEqual(['two', 'three', 'one']);
    expect(pkg.definition.actions.echo!.flow.nodes[0]).toEqual({
      id: 'prep',
      type: 'code',
      source: 'return { text: ctx.input.text.trim() };',
    });
    expect(pkg.scripts).toEqual({ 'scripts/prep.js': 'return { text: ctx.input.text.trim() };' });
    expect(pkg.files).toEqual([
      'package.json',
      'connector.json',
      'scripts/prep.js',
      'contracts/more.json',
      'contracts/one.json',
      'README.md',
    ]);
    expect(pkg.readme).toBe('# Acme');
  });

  it('follows the plugboard field to other paths', async () => {
    await write('package.json', {
      name: 'acme',
      plugboard: { definition: 'def/acme.json', contracts: 'cases', scripts: 'code' },
    });
    await write('def/acme.json', withScript('code/x.js'));
    await write('code/x.js', 'return 1;');
    await write('cases/a.json', contract('a'));
    const pkg = await loadPackage(dir);
    expect(pkg.contracts).toHaveLength(1);
    expect(pkg.definition.actions.echo!.flow.nodes[0]).toMatchObject({ source: 'return 1;' });
  });

  it('reports missing files, bad JSON with line and column, bad contracts and missing scripts, with file paths', async () => {
    expect((await caught(loadPackage(dir))).issues).toEqual([
      expect.objectContaining({ file: 'package.json', code: 'PACKAGE_FILE_MISSING' }),
    ]);
    await write('package.json', { name: 'acme' });
    await write('connector.json', '{\n  "id": "acme",\n}');
    const syntax = await caught(loadPackage(dir));
    expect(syntax.issues).toEqual([
      expect.objectContaining({ file: 'connector.json', code: 'JSON_SYNTAX', line: 3, column: 1 }),
    ]);
    expect(syntax.message).toMatch(/^connector\.json: invalid JSON at line 3, column 1/);
    await write('connector.json', withScript());
    await write('contracts/bad.json', [
      contract('ok'),
      { name: 'broken', action: 'echo', interactions: [] },
    ]);
    const issues = (await caught(loadPackage(dir))).issues;
    expect(issues).toContainEqual(
      expect.objectContaining({
        file: 'connector.json',
        pointer: '/actions/echo/flow/nodes/0/script',
        code: 'PACKAGE_SCRIPT_MISSING',
      }),
    );
    expect(issues).toContainEqual(
      expect.objectContaining({
        file: 'contracts/bad.json',
        pointer: '/1/expect',
        code: 'CONTRACT_INVALID',
      }),
    );
  });

  it('refuses scripts outside scripts/', async () => {
    await write('package.json', { name: 'acme', plugboard: { scripts: 'scripts' } });
    const escaping = withScript();
    (escaping.actions.echo!.flow.nodes[0] as { script: string }).script =
      'scripts/../../etc/passwd.js';
    await write('connector.json', escaping);
    const issues = (await caught(loadPackage(dir))).issues;
    expect(issues).toEqual([expect.objectContaining({ code: 'PACKAGE_SCRIPT_OUTSIDE' })]);
  });
});

describe('packBundle', () => {
  it('bundles the inlined definition with its contracts, readme and digest', async () => {
    await write('package.json', { name: 'acme', plugboard: {} });
    await write('connector.json', withScript());
    await write('scripts/prep.js', 'return ctx.input;');
    await write('contracts/one.json', contract('one'));
    await write('README.md', 'Acme connector');
    const bundle = await packBundle(dir);
    expect(bundle.format).toBe('plugboard.bundle/1');
    expect(bundle.contracts).toHaveLength(1);
    expect(bundle.readme).toBe('Acme connector');
    expect(bundle.definition.actions.echo!.flow.nodes[0]).toMatchObject({
      source: 'return ctx.input;',
    });
    expect(bundle.digest).toBe(digest(bundle.definition));
    expect(bundle.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    // the digest is of canonical JSON: key order in the file does not matter
    const reordered = JSON.parse(canonicalJson(bundle.definition)) as Record<string, unknown>;
    expect(digest(Object.fromEntries(Object.entries(reordered).reverse()))).toBe(bundle.digest);
  });

  it('refuses an invalid definition or contracts naming unknown actions, listing every issue', async () => {
    await write('package.json', { name: 'acme' });
    await write('connector.json', { ...makeConnector(), id: 'Not A Slug' });
    await write('contracts/x.json', [contract('a'), { ...contract('a'), action: 'missing' }]);
    const error = await caught(packBundle(dir));
    expect(error.issues).toEqual([
      expect.objectContaining({ file: 'connector.json', pointer: '/id', code: 'SCHEMA_PATTERN' }),
      expect.objectContaining({
        file: 'contracts/x.json',
        pointer: '/1/name',
        code: 'CONTRACT_NAME_DUPLICATE',
      }),
      expect.objectContaining({
        file: 'contracts/x.json',
        pointer: '/1/action',
        code: 'CONTRACT_TARGET_UNKNOWN',
      }),
    ]);
    expect(error.code).toBe('SCHEMA_PATTERN');
  });
});
