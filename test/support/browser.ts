/**
 * Debian's Chromium driven by playwright-core (no browser download), with the network off: the
 * context is offline and any request that is not a file is refused and counted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots kept after the run (ignored by git). */
export const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-results');

export interface OfflinePage {
  page: Page;
  errors: string[];
  networkRequests: string[];
  close(): Promise<void>;
}

export async function openOffline(url: string, viewport = { width: 1400, height: 2200 }): Promise<OfflinePage> {
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const context = await browser.newContext({ offline: true, viewport });
  const errors: string[] = [];
  const networkRequests: string[] = [];
  await context.route(/^(?!file:)/, (route) => {
    networkRequests.push(route.request().url());
    return route.abort();
  });
  const page = await context.newPage();
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  return { page, errors, networkRequests, close: () => browser.close() };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
