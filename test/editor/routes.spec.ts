// The Routes screen as a tenant uses it: join GitHub's issue webhook to Slack's postMessage by
// picking fields, see the dry run refuse a mapping Slack would not take, fix it, and enable it.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { TENANT_SCOPES, api, publish } from '../support/api.js';
import type { Call } from '../support/api.js';
import { startFakePartner } from '../support/fake-partner.js';
import type { FakePartner } from '../support/fake-partner.js';
import { startRuntime } from '../support/runtime.js';
import type { RuntimeProcess } from '../support/runtime.js';
import { GITHUB_SECRET, bundledAt } from '../routes/route-fixtures.js';
import { launch, openEditor, poll, signIn } from './browser.js';
import type { EditorPage } from './browser.js';

let runtime: RuntimeProcess;
let partner: FakePartner;
let browser: Browser;
let call: Call;
let editor: EditorPage;
let tenant: { key: string; github: string; slack: string };

beforeAll(async () => {
  partner = await startFakePartner();
  runtime = await startRuntime();
  call = api(runtime);
  const gh = bundledAt('github', partner.url);
  // The trigger's contracts are the dry run's example events.
  await publish(
    call,
    gh.definition,
    gh.contracts.filter((c) => (c as { trigger?: string }).trigger === 'issues'),
  );
  const sl = bundledAt('slack', partner.url);
  await publish(call, sl.definition, sl.contracts);
  const t = await call('post', '/v1/tenants').send({ name: 'routes-ui' }).expect(201);
  const key = await call('post', '/v1/api-keys')
    .send({ tenantId: t.body.id, scopes: TENANT_SCOPES, name: 'ui' })
    .expect(201);
  const as = (path: string, body: unknown) =>
    call('post', path, key.body.key as string)
      .send(body as object)
      .expect(201);
  const github = await as('/v1/installations', {
    connectorId: 'github',
    credentials: { token: 'ghp-ui', webhookSecret: GITHUB_SECRET },
  });
  const slack = await as('/v1/installations', {
    connectorId: 'slack',
    config: { defaultChannel: 'C0123456789' },
    credentials: { token: 'xoxb-ui' },
  });
  tenant = { key: key.body.key as string, github: github.body.id, slack: slack.body.id };
  browser = await launch();
  editor = await openEditor(browser, runtime.url);
}, 90_000);

afterAll(async () => {
  await editor?.close();
  await browser?.close();
  await runtime?.stop();
  await partner?.close();
});

describe('routes in the editor', { timeout: 120_000 }, () => {
  it('creates a route with the field mapper, sees the dry run refuse and then pass, and enables it', async () => {
    const { page } = editor;
    // A failing step leaves a picture of the screen it failed on.
    onTestFailed(() => editor.snap('routes-failure'));
    await signIn(page, tenant.key);
    await page.getByRole('link', { name: 'Routes' }).click();
    await page.getByText('No routes yet').waitFor();
    await page.getByRole('link', { name: 'New route' }).click();

    await page.getByLabel(/^Name/).fill('Issues to Slack');
    await page.getByLabel(/^Source installation/).selectOption(tenant.github);
    await page.getByLabel(/^Trigger/).selectOption('issues');
    await page.getByLabel(/^Target installation/).selectOption(tenant.slack);
    await page.getByLabel(/^Action/).selectOption('postMessage');

    // Slack's text is a string: mapping it from the issue number is refused by the dry run.
    await page.getByLabel('Map text').selectOption('issue.number');
    await poll(() => page.getByLabel(/^Mapping sent/).inputValue()).toBe(
      '{ "text": issue.number }',
    );
    await page.getByRole('button', { name: 'Check' }).click();
    const dryRun = page.getByRole('region', { name: 'Dry run' });
    await dryRun.locator('.error-code').waitFor();
    expect(await dryRun.locator('.error-code').textContent()).toBe('VALIDATION_FAILED');
    expect(await dryRun.locator('.refusals li').first().textContent()).toContain(
      '/mapping → /text',
    );
    // The refusal is shown on the mapper row of the field it names, once for all examples.
    const textRow = page.locator('.mapper-table tr', { has: page.getByLabel('Map text') });
    await poll(() => textRow.locator('.error-text').allTextContents()).toEqual([
      expect.stringMatching(/^\/text must be .*\(examples? [\d, ]+\)$/),
    ]);
    await page.getByLabel('Map text').scrollIntoViewIfNeeded();
    await editor.snap('routes-00-refused');

    // A JSONata syntax error shows while typing, before any check.
    const more = page.getByLabel(/^More mapping/);
    await more.fill('{ "unfurl_links": false ');
    await poll(() =>
      page.locator('.field-invalid', { has: more }).locator('.error-text').count(),
    ).toBeGreaterThan(0);
    await more.fill('{ "unfurl_links": false }');
    await page.getByLabel('Map text').selectOption('issue.title');
    await page.getByLabel(/^Filter/).fill("action = 'opened'");
    await page.getByLabel(/^Ordering key/).fill('issue.number');
    await page.getByRole('button', { name: 'Check' }).click();
    await dryRun.locator('.ok-text').waitFor();
    expect(await dryRun.locator('.ok-text').textContent()).toMatch(
      /Dry run passed on \d+ examples?: route saved, disabled/,
    );
    const inputs = await dryRun.locator('.dry-run-example .json-view').allTextContents();
    expect(inputs.length).toBeGreaterThan(0);
    const passed = await dryRun
      .locator('.dry-run-example:not(.dropped) .json-view')
      .allTextContents();
    for (const text of passed) {
      const input = JSON.parse(text) as { text?: unknown; unfurl_links?: unknown };
      expect(typeof input.text).toBe('string');
      expect(input.unfurl_links).toBe(false);
    }
    // Each example's ordering key is shown beside it.
    expect(await dryRun.locator('.dry-run-example .muted').first().textContent()).toMatch(
      /^ key \d+$/,
    );
    await editor.snap('routes-01-dry-run');

    await page.getByRole('button', { name: 'Save and enable' }).click();
    await dryRun.getByText('route saved and enabled').waitFor();
    const listed = await call('get', '/v1/routes', tenant.key).expect(200);
    expect(listed.body.routes).toMatchObject([
      {
        name: 'Issues to Slack',
        enabled: true,
        filter: "action = 'opened'",
        ordering: { key: 'issue.number' },
        mapping: '$merge([{ "text": issue.title }, ({ "unfurl_links": false })])',
        source: { installationId: tenant.github, trigger: 'issues' },
        target: { installationId: tenant.slack, action: 'postMessage' },
      },
    ]);

    // The list shows it with its ends; the toggle disables it through the API.
    await page.getByRole('link', { name: 'Routes', exact: true }).first().click();
    const row = page.locator('.routes-table tbody tr', { hasText: 'Issues to Slack' });
    await row.waitFor();
    expect(await row.textContent()).toContain('github · issues');
    expect(await row.textContent()).toContain('slack · postMessage');
    await row.getByLabel('Issues to Slack enabled').uncheck();
    await page.getByRole('status').filter({ hasText: 'Issues to Slack disabled.' }).waitFor();
    const after = await call('get', '/v1/routes', tenant.key).expect(200);
    expect(after.body.routes[0].enabled).toBe(false);
    await editor.snap('routes-02-list');

    // Opened again, the saved mapping is read back into the mapper and the JSONata box.
    await row.getByRole('link', { name: 'Issues to Slack' }).click();
    await poll(() => page.getByLabel('Map text').inputValue()).toBe('issue.title');
    expect(await page.getByLabel(/^More mapping/).inputValue()).toBe('{ "unfurl_links": false }');
    expect(await page.getByLabel(/^Filter/).inputValue()).toBe("action = 'opened'");

    await page.getByRole('link', { name: '← Routes' }).click();
    page.once('dialog', (dialog) => void dialog.accept());
    await row.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No routes yet').waitFor();
    expect((await call('get', '/v1/routes', tenant.key).expect(200)).body.routes).toEqual([]);

    // The one 422 is the refused check above; nothing else failed in the page.
    expect(editor.errors.filter((e) => !/^422 POST \/v1\/routes$|status of 422/.test(e))).toEqual(
      [],
    );
  });
});
