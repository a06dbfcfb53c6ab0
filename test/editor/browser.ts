// Debian's Chromium driven by playwright-core, with every console error and page error collected:
// the editor must run without any.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { beforeEach, expect, onTestFailed } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { repoRoot } from '../support/runtime.js';

export const artifacts = join(repoRoot, 'test-artifacts/editor');

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface EditorPage {
  page: Page;
  /** Console errors and uncaught page errors, in order. */
  errors: string[];
  snap(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function openEditor(
  browser: Browser,
  url: string,
  viewport = { width: 1280, height: 800 },
): Promise<EditorPage> {
  mkdirSync(artifacts, { recursive: true });
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  // Generous: in CI these run beside every other suite on two cores.
  page.setDefaultTimeout(20_000);
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  // Chrome's "Failed to load resource" line does not say which: name the request beside it.
  page.on('response', (response) => {
    if (response.status() >= 400)
      errors.push(
        `${response.status()} ${response.request().method()} ${new URL(response.url()).pathname}`,
      );
  });
  await page.goto(url);
  return {
    page,
    errors,
    snap: async (name) => {
      await page.screenshot({ path: join(artifacts, `${name}.png`) });
    },
    close: () => context.close(),
  };
}

export async function signIn(page: Page, key: string): Promise<void> {
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('API key').waitFor();
}

/** Drags a palette entry onto the canvas at a point relative to the canvas' top-left corner. */
export async function dropNode(page: Page, type: string, x: number, y: number): Promise<void> {
  await page.dragAndDrop(`[data-node-type="${type}"]`, '.react-flow__pane', {
    targetPosition: { x, y },
  });
}

/** Draws an edge with the mouse from a node's output handle to another node's input handle. */
export async function connect(
  page: Page,
  from: string,
  to: string,
  handle?: string,
): Promise<void> {
  const source = page
    .locator(
      `.react-flow__node[data-id="${from}"] .react-flow__handle.source${handle ? `[data-handleid="${handle}"]` : ''}`,
    )
    .first();
  const target = page.locator(`.react-flow__node[data-id="${to}"] .react-flow__handle.target`);
  const a = await source.boundingBox();
  const b = await target.boundingBox();
  if (!a || !b) throw new Error(`handles of ${from} -> ${to} are not on screen`);
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
  await page.mouse.up();
}

/** `expect.poll` with a wait that suits a browser on a loaded machine. */
export function poll<T>(probe: () => Promise<T> | T): ReturnType<typeof expect.poll<T>> {
  return expect.poll(probe, { timeout: 15_000, interval: 100 });
}

/** For every test of the file: a failing test leaves a picture of the screen it stopped on. */
export function snapOnFailure(editor: () => EditorPage | undefined): void {
  beforeEach(() =>
    onTestFailed(({ task }) =>
      editor()?.snap(`failure-${task.name.slice(0, 24).replace(/\W+/g, '-')}`),
    ),
  );
}
