// The editor in Chromium: a tenant presses Connect, approves at the (fake) provider, and lands back
// on the installation page, connected, with the granted scopes shown.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openEditor, signIn } from '../editor/browser.js';
import { api, makeTenant, publish } from '../support/api.js';
import type { Call } from '../support/api.js';
import { freePort, startRuntime } from '../support/runtime.js';
import type { RuntimeProcess } from '../support/runtime.js';
import { startFakeProvider } from './fake-provider.js';
import type { FakeProvider } from './fake-provider.js';
import { CONNECTOR_ID, oauthConnector, putOAuthApp } from './support.js';

let runtime: RuntimeProcess;
let provider: FakeProvider;
let browser: Browser;
let call: Call;
let publicUrl: string;

beforeAll(async () => {
  provider = await startFakeProvider({ clientAuth: 'basic' });
  const port = await freePort();
  publicUrl = `http://127.0.0.1:${port}`;
  runtime = await startRuntime({ port, env: { PLUGBOARD_PUBLIC_URL: publicUrl } });
  call = api(runtime);
  await publish(call, oauthConnector(provider));
  await putOAuthApp(runtime, provider);
  browser = await launch();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
  await provider?.close();
});

describe('Connect in the editor', () => {
  it('opens the provider, comes back connected, and shows scopes and expiry; Reconnect is offered after', async () => {
    const { installationId, key } = await makeTenant(call, 'browser-tenant', CONNECTOR_ID, {});
    const editor = await openEditor(browser, `${publicUrl}/#/installations/${installationId}`);
    const { page } = editor;
    await signIn(page, key);
    await page.goto(`${publicUrl}/#/installations/${installationId}`);
    const section = page.getByRole('region', { name: 'Connection' });
    await expect.poll(() => section.getByTestId('oauth-state').textContent()).toBe('Not connected');
    await section.getByRole('button', { name: 'Connect' }).click();
    await page.waitForURL(`${publicUrl}/#/installations/${installationId}?oauth=connected`);
    await expect.poll(() => section.getByTestId('oauth-state').textContent()).toBe('Connected');
    await expect.poll(() => section.getByRole('status').textContent()).toContain('Connected');
    expect(await section.textContent()).toContain('messages:write, profile');
    const expiry = await section.locator('.metric', { hasText: 'Token expires' }).textContent();
    expect(expiry).not.toContain('—');
    await section.getByRole('button', { name: 'Reconnect' }).waitFor();
    expect(provider.tokenCalls.at(-1)).toMatchObject({
      grantType: 'authorization_code',
      pkceVerified: true,
    });
    await editor.snap('oauth-connected');
    expect(editor.errors).toEqual([]);
    await editor.close();
  }, 60_000);
});
