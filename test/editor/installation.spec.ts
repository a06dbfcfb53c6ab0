// The installation page as a tenant uses it after enabling a connector: rotate its credentials from
// a write-only form and move its version range, each answered by the runtime in the page.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TENANT_SCOPES, api, publish } from '../support/api.js';
import type { Call } from '../support/api.js';
import { startFakePartner } from '../support/fake-partner.js';
import type { FakePartner } from '../support/fake-partner.js';
import { startRuntime } from '../support/runtime.js';
import type { RuntimeProcess } from '../support/runtime.js';
import { v1, v11 } from '../versioning/helpers.js';
import { launch, openEditor, poll, signIn, snapOnFailure } from './browser.js';
import type { EditorPage } from './browser.js';

let runtime: RuntimeProcess;
let partner: FakePartner;
let browser: Browser;
let call: Call;
let editor: EditorPage;
let tenantKey: string;

const FIRST_TOKEN = 'tok-first-3b9d0a';
const FIRST_WEBHOOK_SECRET = 'whsec-first-a17e02';
const NEW_TOKEN = 'tok-rotated-5e81c7';
const NEW_WEBHOOK_SECRET = 'whsec-rotated-c42f19';

beforeAll(async () => {
  partner = await startFakePartner();
  runtime = await startRuntime();
  call = api(runtime);
  await publish(call, v1(partner.url, 'acme'));
  await publish(call, v11(partner.url, 'acme'));
  const tenant = await call('post', '/v1/tenants').send({ name: 'initech' }).expect(201);
  const key = await call('post', '/v1/api-keys')
    .send({ tenantId: tenant.body.id, scopes: TENANT_SCOPES, name: 'ui' })
    .expect(201);
  tenantKey = key.body.key as string;
  browser = await launch();
  editor = await openEditor(browser, runtime.url);
  await signIn(editor.page, tenantKey);
}, 90_000);

snapOnFailure(() => editor);

afterAll(async () => {
  await editor?.close();
  await browser?.close();
  await runtime?.stop();
  await partner?.close();
});

describe('changing an installation in the editor', { timeout: 120_000 }, () => {
  it('rotates the credentials, then refuses a range nothing matches and moves to one that does', async () => {
    const { page } = editor;
    // Every answer the page reads from here on, to prove no secret ever comes back to it.
    const answers: Array<Promise<string>> = [];
    page.on('response', (response) => answers.push(response.text().catch(() => '')));

    await page.goto(`${runtime.url}/#/enable/acme?version=1.0.0`);
    await page.getByRole('button', { name: 'Enable connector' }).waitFor();
    await page.getByLabel('Version range').fill('~1.0.0');
    await page.getByLabel(/^Token/).fill(FIRST_TOKEN);
    await page.getByLabel(/^Webhook signing secret/).fill(FIRST_WEBHOOK_SECRET);
    await page.getByRole('button', { name: 'Enable connector' }).click();
    await page.getByRole('heading', { name: 'Recent runs' }).waitFor();
    const installationId = decodeURIComponent(new URL(page.url()).hash.split('/')[2] ?? '');
    expect(installationId).toMatch(/^ins/);
    expect(await page.getByText('version 1.0.0 (range ~1.0.0)', { exact: true }).count()).toBe(1);

    // The rotation form has the auth block's fields, write-only and empty.
    const rotate = page.getByRole('form', { name: 'Rotate credentials' });
    const token = rotate.getByLabel(/^Token/);
    const webhookSecret = rotate.getByLabel(/^Webhook signing secret/);
    await token.waitFor();
    const fields = await rotate.locator('input').all();
    expect(
      await Promise.all(
        fields.map(async (f) => [await f.getAttribute('type'), await f.inputValue()]),
      ),
    ).toEqual([
      ['password', ''],
      ['password', ''],
    ]);
    await token.fill(NEW_TOKEN);
    await webhookSecret.fill(NEW_WEBHOOK_SECRET);
    await editor.snap('15-rotate-filled');
    await rotate.getByRole('button', { name: 'Rotate credentials' }).click();
    await rotate.getByRole('status').filter({ hasText: 'Credentials rotated' }).waitFor();
    expect([await token.inputValue(), await webhookSecret.inputValue()]).toEqual(['', '']);
    await editor.snap('16-rotated');

    // The partner's next call carries the new token.
    partner.reset();
    await call('post', `/v1/installations/${installationId}/actions/send`, tenantKey)
      .send({ text: 'after rotation' })
      .expect(200);
    expect(partner.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${NEW_TOKEN}`]);
    const audit = await call('get', '/v1/audit?action=installation.credentials-rotated').expect(
      200,
    );
    expect(
      audit.body.entries.filter((e: { targetId: string }) => e.targetId === installationId),
    ).toHaveLength(1);

    // Version ranges: one that matches nothing and one that is no range are refused in the form,
    // and the installation stays where it was.
    const change = page.getByRole('form', { name: 'Change version' });
    const range = change.getByLabel('Version range');
    expect(await range.inputValue()).toBe('~1.0.0');
    await range.fill('^9.0.0');
    await change.getByRole('button', { name: 'Change version' }).click();
    await poll(() => change.getByRole('alert').textContent()).toBe(
      'NO_MATCHING_VERSION: no published version of acme satisfies ^9.0.0',
    );
    await editor.snap('17-no-matching-version');
    await range.fill('latest please');
    await change.getByRole('button', { name: 'Change version' }).click();
    await poll(() => change.getByRole('alert').textContent()).toMatch(
      /^VALIDATION_FAILED: .*"latest please" is not a semver range$/,
    );
    const unchanged = await call('get', `/v1/installations/${installationId}`, tenantKey).expect(
      200,
    );
    expect(unchanged.body).toMatchObject({ version: '1.0.0', range: '~1.0.0' });

    await range.fill('^1.1.0');
    await change.getByRole('button', { name: 'Change version' }).click();
    await poll(() => change.getByRole('status').textContent()).toBe(
      'Now on version 1.1.0 (range ^1.1.0).',
    );
    expect(await change.getByRole('alert').count()).toBe(0);
    await page.getByText('version 1.1.0 (range ^1.1.0)', { exact: true }).waitFor();
    expect(await range.inputValue()).toBe('^1.1.0');
    const moved = await call('get', `/v1/installations/${installationId}`, tenantKey).expect(200);
    expect(moved.body).toMatchObject({ version: '1.1.0', range: '^1.1.0' });
    await editor.snap('18-version-changed');

    // No secret was ever shown or answered back to the page.
    const seen = [await page.content(), ...(await Promise.all(answers))];
    for (const secret of [FIRST_TOKEN, FIRST_WEBHOOK_SECRET, NEW_TOKEN, NEW_WEBHOOK_SECRET])
      for (const text of seen) expect(text).not.toContain(secret);

    // The two 422s are the refused ranges above; nothing else failed in the page.
    const refused = `422 PATCH /v1/installations/${installationId}`;
    expect(editor.errors.filter((e) => e !== refused && !/status of 422/.test(e))).toEqual([]);
    expect(editor.errors.filter((e) => e === refused)).toHaveLength(2);
  });
});
