import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeRuntime, report, type FakeAnswer } from './testing/fake-runtime.js';
import { editConnector, makePackage, positionOf, readJson, tempDir } from './testing/fixtures.js';
import { runBin, runCli } from './testing/run-cli.js';

// Each case starts node and compiles the sources with tsx: seconds apiece on a busy CI machine.
describe('plugboard CLI (child process)', { timeout: 120_000 }, () => {
  let root: string;
  let cleanup: () => void;
  beforeAll(() => ({ dir: root, cleanup } = tempDir('plugboard-cli-')));
  afterAll(() => cleanup());
  const cli = (...args: string[]) => runCli(args, { cwd: root });

  it('prints help with every command and examples', async () => {
    const help = await cli('--help');
    expect(help.code).toBe(0);
    for (const command of ['init', 'validate', 'test', 'diff', 'pack', 'types', 'publish']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
    const diffHelp = await cli('diff', '--help');
    expect(diffHelp.stdout).toContain('1 when it is not');
    expect(diffHelp.stdout).toContain('$ plugboard diff');
  });

  it('init, then validate and test pass', async () => {
    const init = await cli('init', 'fresh', '--id', 'fresh', '--name', 'Fresh');
    expect(init).toMatchObject({ code: 0 });
    expect(init.stdout.split('\n')[0]).toBe('✓ created fresh in fresh');
    const validate = await cli('validate', 'fresh');
    expect(validate).toMatchObject({
      code: 0,
      stdout: '✓ fresh: valid (fresh@0.1.0, 1 action, 0 triggers, 1 contract)\n',
    });
    const test = await cli('test', 'fresh');
    expect(test).toMatchObject({
      code: 0,
      stdout: '✓ getItem returns the item\n1 passed, 0 failed\n',
    });
    const again = await cli('init', 'fresh');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^fresh DIR_NOT_EMPTY fresh is not empty/);
  });

  it('validate prints file:line:column pointer CODE message per error and exits 1', async () => {
    const dir = makePackage(root, 'invalid');
    editConnector(dir, (d) => {
      d.actions.getItem.urgency = 'someday';
    });
    const text = readFileSync(join(dir, 'connector.json'), 'utf8');
    const { line, column } = positionOf(text, '"urgency"');
    const result = await cli('validate', 'invalid');
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^invalid/connector\\.json:${line}:${column} /actions/getItem/urgency SCHEMA_ENUM \\S`,
        ),
      ),
    );
    expect(lines.at(-1)).toMatch(/^✗ \d+ errors?$/);

    const json = await cli('validate', 'invalid', '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      errors: expect.arrayContaining([
        expect.objectContaining({ code: 'SCHEMA_ENUM', line, column }),
      ]),
    });
  });

  it('validate gives line:column of malformed JSON', async () => {
    const dir = makePackage(root, 'malformed');
    writeFileSync(join(dir, 'connector.json'), '{\n  "id": "acme",\n  "version": "1.0.0",\n}\n');
    const result = await cli('validate', 'malformed/connector.json');
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')[0]).toMatch(/^malformed\/connector\.json:4:1 \/ JSON_SYNTAX /);
  });

  it('refuses a missing directory with a code', async () => {
    const result = await cli('validate', 'nope');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^nope PATH_NOT_FOUND nope: no such file/);
  });

  it('diff shows a breaking change when a required input property is added without a default', async () => {
    makePackage(root, 'v1', 'acme');
    const next = makePackage(root, 'v2', 'acme');
    editConnector(next, (d) => {
      d.version = '0.2.0';
      d.actions.getItem.input.properties.workspace = { type: 'string' };
      d.actions.getItem.input.required.push('workspace');
    });
    const result = await cli('diff', 'v1', 'v2');
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^acme 0\.1\.0 -> acme 0\.2\.0: \d+ changes?$/);
    expect(lines).toContainEqual(
      expect.stringMatching(/^ {2}breaking {2}\/actions\/getItem\/input\S* {2}\S+: .*workspace/),
    );
    expect(lines).toContain('required bump: major');
    expect(lines.at(-1)).toMatch(/^✗ /);

    editConnector(next, (d) => {
      d.version = '1.0.0';
    });
    expect((await cli('diff', 'v1', 'v2')).code).toBe(0);
  });

  it('pack prints the same bundle digest for the same package, and writes --out', async () => {
    const dir = makePackage(root, 'packed');
    const first = await cli('pack', 'packed');
    expect(first.code).toBe(0);
    const bundle = JSON.parse(first.stdout) as { digest: string; definition: { id: string } };
    expect(bundle).toMatchObject({
      format: 'plugboard.bundle/1',
      definition: { id: 'packed' },
      digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
    writeFileSync(
      join(dir, 'connector.json'),
      JSON.stringify(readJson(join(dir, 'connector.json'))),
    );
    const second = await cli('pack', 'packed', '--out', 'packed.bundle.json');
    expect(second.stdout).toBe(
      `✓ packed packed@0.1.0 (1 contract, ${bundle.digest}) to packed.bundle.json\n`,
    );
    expect(readJson(join(root, 'packed.bundle.json')).digest).toBe(bundle.digest);
  });

  it('types prints the declarations', async () => {
    makePackage(root, 'typed');
    const result = await cli('types', 'typed');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('export interface GetItemInput {');
    expect(result.stdout).toContain('export interface Item {');
  });

  describe('publish', () => {
    let runtime: Awaited<ReturnType<typeof fakeRuntime>>;
    let answer: FakeAnswer;
    beforeAll(async () => {
      runtime = await fakeRuntime(() => answer);
      makePackage(root, 'published');
    });
    afterAll(async () => runtime.close());

    it('posts the bundle and prints the report', async () => {
      answer = { status: 201, body: { report: report() } };
      const result = await cli('publish', 'published', '--url', runtime.url, '--key', 'pb_cli_key');
      expect(result.code).toBe(0);
      expect(result.stdout.split('\n')[0]).toMatch(
        new RegExp(`^✓ published published@0\\.1\\.0 to ${runtime.url} \\(201, sha256:`),
      );
      expect(result.stdout).toContain('  contracts: 1 passed, 0 failed');
      const request = runtime.requests.at(-1)!;
      expect(request).toMatchObject({
        method: 'POST',
        path: '/v1/connectors',
        headers: { authorization: 'Bearer pb_cli_key' },
      });
      expect(request.body).toMatchObject({
        format: 'plugboard.bundle/1',
        definition: { id: 'published' },
        contracts: [{ name: 'getItem returns the item' }],
      });
    });

    it('exits 1 with the code of an error answer, taking the URL and key from the environment', async () => {
      answer = {
        status: 403,
        body: { error: { code: 'FORBIDDEN', message: 'the key lacks the catalog:publish scope' } },
      };
      const result = await runCli(['publish', 'published'], {
        cwd: root,
        env: { PLUGBOARD_URL: runtime.url, PLUGBOARD_API_KEY: 'pb_read_only' },
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        '✗ publish of published@0.1.0 failed: 403 FORBIDDEN the key lacks the catalog:publish scope',
      );
      expect(runtime.requests.at(-1)?.headers.authorization).toBe('Bearer pb_read_only');
    });
  });

  it('the committed bin launcher runs the built CLI', async () => {
    const built = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
    expect(
      existsSync(built),
      'packages/sdk/dist/cli.js is missing: build first (npm test does)',
    ).toBe(true);
    const version = await runBin(['--version'], { cwd: root });
    expect(version).toMatchObject({
      code: 0,
      stdout: `${String(readJson(fileURLToPath(new URL('../package.json', import.meta.url))).version)}\n`,
    });
    makePackage(root, 'viabin');
    const test = await runBin(['test', 'viabin'], { cwd: root });
    expect(test).toMatchObject({
      code: 0,
      stdout: '✓ getItem returns the item\n1 passed, 0 failed\n',
    });
  });
});
