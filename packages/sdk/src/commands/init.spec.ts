import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readJson, tempDir } from '../testing/fixtures.js';
import { init } from './init.js';
import { validate } from './validate.js';

describe('init', () => {
  let root: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir: root, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('scaffolds a package that validates', async () => {
    const dir = join(root, 'Acme CRM');
    const result = init({ dir });
    expect(result).toMatchObject({ ok: true, id: 'acme-crm' });
    expect(readdirSync(dir).sort()).toEqual([
      'README.md',
      'connector.json',
      'contracts',
      'package.json',
      'scripts',
    ]);
    expect(readJson(join(dir, 'package.json')).plugboard).toEqual({
      definition: 'connector.json',
      contracts: 'contracts',
      scripts: 'scripts',
    });
    expect(readJson(join(dir, 'connector.json'))).toMatchObject({
      id: 'acme-crm',
      name: 'Acme Crm',
    });
    expect(await validate({ target: dir })).toMatchObject({
      ok: true,
      summary: { id: 'acme-crm', contracts: 1 },
    });
  });

  it('takes --id and --name', async () => {
    const dir = join(root, 'x');
    expect(init({ dir, id: 'acme', name: 'Acme Inc.' })).toMatchObject({ ok: true, id: 'acme' });
    expect(readJson(join(dir, 'connector.json'))).toMatchObject({ id: 'acme', name: 'Acme Inc.' });
  });

  it('refuses a non-empty directory and leaves it alone', async () => {
    const dir = join(root, 'busy');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    expect(init({ dir })).toMatchObject({ ok: false, errors: [{ code: 'DIR_NOT_EMPTY' }] });
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  it('refuses an id that is not a slug', async () => {
    expect(init({ dir: join(root, 'y'), id: 'Acme_CRM' })).toMatchObject({
      ok: false,
      errors: [{ code: 'INVALID_OPTION' }],
    });
    expect(readdirSync(root)).toEqual([]);
  });
});
