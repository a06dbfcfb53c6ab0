import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeRuntime, report, type FakeAnswer } from '../testing/fake-runtime.js';
import { makePackage, tempDir } from '../testing/fixtures.js';
import { pack } from './pack.js';
import { formatPublish, publish } from './publish.js';

describe('publish', () => {
  let root: string;
  let cleanup: () => void;
  let runtime: Awaited<ReturnType<typeof fakeRuntime>>;
  let answer: FakeAnswer;
  beforeEach(async () => {
    ({ dir: root, cleanup } = tempDir());
    runtime = await fakeRuntime(() => answer);
  });
  afterEach(async () => {
    cleanup();
    await runtime.close();
  });

  it('sends the packed bundle with the key and prints the report', async () => {
    const dir = makePackage(root);
    answer = { status: 201, body: { report: report({ previousVersion: null }) } };
    const result = await publish({ dir, url: runtime.url, key: 'pb_k1_secret' });
    expect(result).toMatchObject({
      ok: true,
      status: 201,
      connector: { id: 'acme', version: '0.1.0' },
    });
    expect(runtime.requests).toHaveLength(1);
    const [request] = runtime.requests;
    expect(request).toMatchObject({
      method: 'POST',
      path: '/v1/connectors',
      headers: { authorization: 'Bearer pb_k1_secret', 'content-type': 'application/json' },
    });
    const packed = await pack({ dir });
    if (!packed.ok) throw new Error('pack failed');
    expect(request!.body).toEqual(packed.bundle);
    const lines = formatPublish(result);
    expect(lines[0]).toBe(
      `✓ published acme@0.1.0 to ${runtime.url} (201, ${packed.bundle.digest})`,
    );
    expect(lines.slice(1)).toEqual([
      '  changes: first version, nothing to compare',
      '  contracts: 1 passed, 0 failed',
    ]);
  });

  it('prints the refusal report of the gate (422) and fails', async () => {
    const dir = makePackage(root);
    answer = {
      status: 422,
      body: {
        error: { code: 'PUBLISH_REFUSED', message: 'the version needs a major bump' },
        report: report({
          valid: false,
          errors: [
            {
              pointer: '/version',
              code: 'VERSION_BUMP_REQUIRED',
              message: '0.1.0 -> 0.2.0 needs 1.0.0',
            },
          ],
          changes: [
            {
              pointer: '/actions/getItem/input/required/1',
              change: 'required-added',
              class: 'breaking',
              reason: 'new required property workspace without a default',
            },
          ],
          requiredBump: 'major',
          previousVersion: '0.0.9',
          contracts: [
            {
              name: 'getItem returns the item',
              passed: false,
              diff: 'output /name: expected string, got 1',
            },
          ],
        }),
      },
    };
    const result = await publish({ dir, url: `${runtime.url}/`, key: 'pb_k1_secret' });
    expect(result).toMatchObject({
      ok: false,
      status: 422,
      errors: [{ code: 'PUBLISH_REFUSED' }],
      report: { requiredBump: 'major' },
    });
    const lines = formatPublish(result);
    expect(lines[0]).toBe(
      '✗ publish of acme@0.1.0 refused by the publish gate: 422 PUBLISH_REFUSED the version needs a major bump',
    );
    expect(lines).toContain('    /version VERSION_BUMP_REQUIRED 0.1.0 -> 0.2.0 needs 1.0.0');
    expect(lines).toContain('  changes since 0.0.9: 1 change, required bump: major');
    expect(lines).toContain(
      '    breaking  /actions/getItem/input/required/1  required-added: new required property workspace without a default',
    );
    expect(lines).toContain('    ✗ getItem returns the item');
    expect(lines).toContain('        output /name: expected string, got 1');
  });

  it('says so when the same content was already published (200)', async () => {
    const dir = makePackage(root);
    answer = { status: 200, body: { report: report({ previousVersion: null }) } };
    const result = await publish({ dir, url: runtime.url, key: 'pb_k1_secret' });
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(formatPublish(result)[0]).toMatch(
      /^✓ already published acme@0\.1\.0 to .* \(200, sha256:/,
    );
  });

  it('fails with the error code of any other 4xx', async () => {
    const dir = makePackage(root);
    answer = {
      status: 409,
      body: {
        error: { code: 'VERSION_EXISTS', message: 'acme 0.1.0 is published with other content' },
      },
    };
    const result = await publish({ dir, url: runtime.url, key: 'pb_k1_secret' });
    expect(result).toMatchObject({ ok: false, status: 409, errors: [{ code: 'VERSION_EXISTS' }] });
    expect(formatPublish(result)).toEqual([
      '✗ publish of acme@0.1.0 failed: 409 VERSION_EXISTS acme 0.1.0 is published with other content',
    ]);
  });

  it('needs a URL and a key, from the options or the environment', async () => {
    const dir = makePackage(root);
    const saved = { url: process.env.PLUGBOARD_URL, key: process.env.PLUGBOARD_API_KEY };
    delete process.env.PLUGBOARD_URL;
    delete process.env.PLUGBOARD_API_KEY;
    try {
      const missing = await publish({ dir });
      expect(missing).toMatchObject({
        ok: false,
        errors: [{ code: 'MISSING_OPTION' }, { code: 'MISSING_OPTION' }],
      });
      answer = { status: 201, body: { report: report() } };
      process.env.PLUGBOARD_URL = runtime.url;
      process.env.PLUGBOARD_API_KEY = 'pb_env_key';
      expect(await publish({ dir })).toMatchObject({ ok: true });
      expect(runtime.requests[0]?.headers.authorization).toBe('Bearer pb_env_key');
    } finally {
      for (const [name, value] of [
        ['PLUGBOARD_URL', saved.url],
        ['PLUGBOARD_API_KEY', saved.key],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('reports an unreachable runtime as NETWORK_ERROR', async () => {
    const dir = makePackage(root);
    const url = runtime.url;
    await runtime.close();
    runtime = await fakeRuntime(() => answer);
    const result = await publish({ dir, url, key: 'pb_k1_secret' });
    expect(result).toMatchObject({ ok: false, status: 0, errors: [{ code: 'NETWORK_ERROR' }] });
  });
});
