// The editor end to end, as an IT admin and then a tenant use it: build a connector on the canvas,
// fix what the editor flags, test it, publish it, enable it, send it an event and watch the run.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../support/api.js';
import type { Call } from '../support/api.js';
import { startFakePartner } from '../support/fake-partner.js';
import type { FakePartner } from '../support/fake-partner.js';
import { eventually, startRuntime } from '../support/runtime.js';
import type { RuntimeProcess } from '../support/runtime.js';
import {
  connect,
  dropNode,
  launch,
  openEditor,
  poll,
  signIn,
  signOut,
  snapOnFailure,
} from './browser.js';
import type { EditorPage } from './browser.js';

let runtime: RuntimeProcess;
let partner: FakePartner;
let browser: Browser;
let call: Call;
let editor: EditorPage;

beforeAll(async () => {
  partner = await startFakePartner();
  runtime = await startRuntime();
  call = api(runtime);
  browser = await launch();
  editor = await openEditor(browser, runtime.url);
}, 90_000);

snapOnFailure(() => editor);

afterAll(async () => {
  await editor?.close();
  await browser?.close();
  await runtime?.stop();
  await partner?.close();
});

describe('building, testing and publishing a connector in the editor', { timeout: 120_000 }, () => {
  it('builds a three-node connector by drag and connect, then fixes what the editor flags', async () => {
    const { page } = editor;
    await editor.snap('01-sign-in');
    await signIn(page, runtime.adminKey);
    await page.getByRole('link', { name: 'Builder' }).click();
    await page.getByRole('button', { name: /New connector/ }).click();
    await page.locator('.react-flow__pane').waitFor();

    // Identity and the partner's base URL, in the General section.
    await page.getByRole('button', { name: 'General' }).click();
    await page.getByLabel(/^Connector id/).fill('e2e-notes');
    await page.getByLabel(/^Name/).fill('E2E Notes');
    await page.getByLabel(/^Base URL/).fill(partner.url);
    await page.getByRole('button', { name: /^createRecord/ }).click();

    await dropNode(page, 'transform', 120, 90);
    await dropNode(page, 'http', 350, 200);
    await dropNode(page, 'output', 580, 90);
    await poll(() => page.locator('.react-flow__node').count()).toBe(3);
    await connect(page, 'transform', 'http');
    await connect(page, 'http', 'output');
    await poll(() => page.locator('.react-flow__edge').count()).toBe(2);
    await editor.snap('02-three-nodes');
  });

  it('flags an invalid JSONata expression, jumps to it from the problems panel and clears it once fixed', async () => {
    const { page } = editor;
    await page.locator('.react-flow__node[data-id="transform"]').click();
    const expression = page.locator('.inspector').getByLabel(/^Expression/);
    await expression.fill('{ "text": input.text ');
    await poll(() =>
      page.locator('.inspector .field-invalid .error-text').first().textContent(),
    ).toMatch(/does not compile/);
    await poll(() => page.locator('.validity').textContent()).toBe('1 problem');
    // The node on the canvas shows it too.
    await poll(() =>
      page.locator('.react-flow__node[data-id="transform"] .pb-node-issues').count(),
    ).toBe(1);
    await editor.snap('03-validation-error');

    await page.locator('.react-flow__pane').click({ position: { x: 300, y: 16 } });
    await page.locator('.problem').first().click();
    await poll(() => page.locator(':focus').getAttribute('data-pointer')).toBe(
      '/actions/createRecord/flow/nodes/0/expression',
    );
    await page.keyboard.press('End');
    await page.keyboard.type('}');
    await poll(() => page.locator('.validity').textContent()).toBe('Valid');
    await poll(() =>
      page.locator('.react-flow__node[data-id="transform"] .pb-node-issues').count(),
    ).toBe(0);

    await page.getByRole('button', { name: 'Fit View' }).click();
    await page.locator('.react-flow__node[data-id="http"]').click();
    await page
      .locator('.inspector')
      .getByLabel(/^Method/)
      .selectOption('POST');
    await page.locator('.inspector').getByLabel(/^Path/).fill('/notes');
    await page
      .locator('.inspector')
      .getByLabel(/^Body/, { exact: false })
      .first()
      .fill('steps.transform');
    await page.locator('.react-flow__node[data-id="output"]').click();
    await page
      .locator('.inspector')
      .getByLabel(/^Value/)
      .fill('{ "id": steps.http.body.echo.text }');

    // The action's input schema, in the field table.
    await page.locator('.react-flow__pane').click({ position: { x: 300, y: 16 } });
    const input = page.locator('.schema-editor[data-pointer="/actions/createRecord/input"]');
    await input.getByRole('button', { name: '+ Add field' }).click();
    await input.getByLabel('Field 1 name').fill('text');
    await input.getByLabel('Field text required').check();
    // The gate checks outputs against the output schema, whose objects are closed: declare `id`.
    const output = page.locator('.schema-editor[data-pointer="/actions/createRecord/output"]');
    await output.getByRole('button', { name: '+ Add field' }).click();
    await output.getByLabel('Field 1 name').fill('id');
    await poll(() => page.locator('.validity').textContent()).toBe('Valid');
    await editor.snap('04-fixed');
  });

  it('runs a test on sample input and shows each node`s output', async () => {
    const { page } = editor;
    await page.getByRole('tab', { name: 'Test' }).click();
    await page.locator('[data-pointer="#test/input"]').fill('{ "text": "hello" }');
    await page.getByRole('button', { name: 'Run createRecord' }).click();
    await page.locator('.run-head .status-badge').waitFor();
    expect(await page.locator('.run-head .status-badge').textContent()).toBe('succeeded');
    expect(await page.locator('.trace-row td:first-child').allTextContents()).toEqual([
      '▸ transform',
      '▸ http',
      '▸ output',
    ]);
    await page.getByRole('button', { name: '▸ http' }).click();
    const detail = page.locator('.trace-detail');
    await poll(() => detail.textContent()).toContain('/notes');
    expect(await page.locator('.test-result > .field .json-view').textContent()).toContain(
      '"id": "hello"',
    );
    expect(partner.requests.map((r) => [r.method, r.path, r.body])).toContainEqual([
      'POST',
      '/notes',
      { text: 'hello' },
    ]);
    await page.getByLabel('Contract case name').fill('creates a note');
    await page.getByRole('button', { name: 'Save as contract case' }).click();
    await poll(() => page.getByText('1 saved').count()).toBe(1);
    await editor.snap('05-test-run');
  });

  it('publishes through the gate and shows its answer', async () => {
    const { page } = editor;
    await page.getByRole('tab', { name: 'Publish' }).click();
    await page.getByText(/first version of e2e-notes/).waitFor();
    await page.getByRole('button', { name: 'Publish e2e-notes@1.0.0' }).click();
    await page.locator('.gate').waitFor();
    expect(await page.locator('.gate strong').textContent()).toBe('Published e2e-notes@1.0.0');
    expect(await page.locator('.gate').textContent()).toContain('contract creates a note');
    await editor.snap('06-published');
    const res = await call('get', '/v1/connectors/e2e-notes').expect(200);
    expect(res.body.latestVersion).toBe('1.0.0');
  });

  it('reports the compatibility of a second version against the first and publishes it', async () => {
    const { page } = editor;
    // An optional input field: a compatible change that needs a minor version.
    await page.locator('.react-flow__pane').click({ position: { x: 300, y: 16 } });
    const input = page.locator('.schema-editor[data-pointer="/actions/createRecord/input"]');
    await input.getByRole('button', { name: '+ Add field' }).click();
    await input.getByLabel('Field 2 name').fill('title');
    await page.getByRole('tab', { name: 'Publish' }).click();
    await page.locator('.changes').waitFor();
    expect(await page.locator('.publish-report .bump').textContent()).toBe('minor');
    expect(await page.locator('.changes .class-badge').allTextContents()).toEqual(['compatible']);
    expect(
      await page.getByText('Versions are immutable: 1.0.0 is already published.').count(),
    ).toBe(1);
    await page.getByRole('button', { name: 'Use 1.1.0' }).click();
    await editor.snap('06b-compatibility');
    await page.getByRole('button', { name: 'Publish e2e-notes@1.1.0' }).click();
    await page.locator('.gate strong', { hasText: 'Published e2e-notes@1.1.0' }).waitFor();
  });

  it('enables the connector as a tenant, takes an event through the API and shows the run', async () => {
    const { page } = editor;
    const tenant = await call('post', '/v1/tenants').send({ name: 'acme-corp' }).expect(201);
    const key = await call('post', '/v1/api-keys')
      .send({
        tenantId: tenant.body.id,
        name: 'it',
        scopes: [
          'catalog:read',
          'installations:read',
          'installations:write',
          'events:write',
          'runs:read',
          'runs:replay',
        ],
      })
      .expect(201);
    await signOut(page);
    await signIn(page, key.body.key as string);
    expect(await page.getByRole('link', { name: 'Builder' }).count()).toBe(0);
    await page.getByRole('link', { name: /E2E Notes/ }).click();
    await page.getByText('Create a record').waitFor();
    await editor.snap('07-connector-page');
    await page.getByRole('link', { name: 'Enable' }).click();
    await page.getByRole('button', { name: 'Enable connector' }).click();
    await page.getByRole('heading', { name: 'Recent runs' }).waitFor();
    const installationId = decodeURIComponent(new URL(page.url()).hash.split('/')[2] ?? '');
    expect(installationId).not.toBe('');

    const sent = await call(
      'post',
      `/v1/installations/${installationId}/events`,
      key.body.key as string,
    )
      .send({ action: 'createRecord', data: { text: 'from an event' } })
      .expect(202);
    expect(sent.body.events[0].status).toBe('accepted');
    await eventually(async () =>
      partner.requests.some((r) => (r.body as { text?: string })?.text === 'from an event')
        ? true
        : undefined,
    );
    const row = page.locator('table.runs tbody tr', { hasText: 'createRecord' });
    await row.first().waitFor({ timeout: 15_000 });
    await expect
      .poll(() => row.first().locator('.status-badge').textContent(), { timeout: 15_000 })
      .toBe('succeeded');
    await poll(() =>
      page.locator('.metric', { hasText: 'Success rate' }).locator('dd').textContent(),
    ).toBe('100%');
    await editor.snap('08-installation');

    // A permanent partner error fails the run; replay sends it again once the partner is fine.
    partner.answerNext(1, { status: 400, body: { error: 'invalid_note' } });
    await call('post', `/v1/installations/${installationId}/events`, key.body.key as string)
      .send({ action: 'createRecord', data: { text: 'rejected once' } })
      .expect(202);
    const failed = page.locator('table.runs tbody tr.failed');
    await failed.first().waitFor({ timeout: 15_000 });
    expect(await failed.first().locator('.error-code').textContent()).toBe('PARTNER_PERMANENT');
    await failed.first().getByRole('button', { name: 'Replay failed' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /Replay of run .* queued/ })
      .waitFor();
    await eventually(async () =>
      partner.requests.filter((r) => (r.body as { text?: string })?.text === 'rejected once')
        .length === 2
        ? true
        : undefined,
    );
    await expect
      .poll(() => page.locator('table.runs tbody tr', { hasText: 'succeeded' }).count(), {
        timeout: 15_000,
      })
      .toBe(2);
    await editor.snap('08b-replayed');
    expect(editor.errors).toEqual([]);
  });
});
