// A master key rotation keeps the connectors' OAuth apps usable: their secrets are sealed under a
// key derived from the master key and are re-sealed under the new one on first use.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, makeTenant, publish } from '../support/api.js';
import { freePort, startRuntime } from '../support/runtime.js';
import type { RuntimeProcess } from '../support/runtime.js';
import { startFakeProvider } from './fake-provider.js';
import type { FakeProvider } from './fake-provider.js';
import { CONNECTOR_ID, OAuthSteps, oauthConnector, putOAuthApp } from './support.js';

let provider: FakeProvider;
let dataDir: string;
let runtime: RuntimeProcess | undefined;

beforeAll(async () => {
  provider = await startFakeProvider({ clientAuth: 'basic' });
  dataDir = mkdtempSync(join(tmpdir(), 'plugboard-oauth-rotation-'));
});

afterAll(async () => {
  await runtime?.stop();
  await provider?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('master key rotation', () => {
  it('still exchanges codes with the OAuth app set under the previous master key', async () => {
    const oldKey = randomBytes(32).toString('hex');
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    const env = { PLUGBOARD_PUBLIC_URL: publicUrl, PLUGBOARD_MASTER_KEY: oldKey };
    runtime = await startRuntime({ port, dataDir, env });
    const before = api(runtime);
    await publish(before, oauthConnector(provider));
    await putOAuthApp(runtime, provider);
    const { installationId, key } = await makeTenant(before, 'rotating', CONNECTOR_ID, {});
    await runtime.stop();

    runtime = await startRuntime({
      port,
      dataDir,
      env: {
        ...env,
        PLUGBOARD_MASTER_KEY: randomBytes(32).toString('hex'),
        PLUGBOARD_PREVIOUS_MASTER_KEY: oldKey,
      },
    });
    const after = new OAuthSteps(api(runtime), publicUrl);
    const landed = await after.connect(installationId, key);
    expect(landed.status).toBe(302);
    expect(landed.headers.location).toContain('?oauth=connected');
    expect(provider.tokenCalls.at(-1)).toMatchObject({ clientAuth: 'basic', status: 200 });
  }, 60_000);
});
