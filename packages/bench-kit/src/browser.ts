import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { repositoryRoot } from './root';

/** Debian's chromium, which `.ci/run` installs; `HVSIM_CHROMIUM` names another. */
export const chromiumPath = (): string => process.env['HVSIM_CHROMIUM'] ?? '/usr/bin/chromium';

/** A headless chromium for tests and benchmarks (no sandbox: CI runs as root). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
}

/** A report page opened in the browser, and everything that went wrong while it loaded and since. */
export interface OpenedReport {
  readonly page: Page;
  /** Console errors, uncaught exceptions, failed requests, and any request beyond the page itself. */
  readonly problems: string[];
  /** Milliseconds from the start of navigation until every chart was drawn. */
  readonly renderMs: number;
  /** Closes the page and its browser context. */
  close(): Promise<void>;
}

/**
 * Opens a report (a file path, or an http URL for a live one) in a new page and waits until the page says
 * every chart is drawn. A report must make no request but for itself, and those `allow` lets through (a live
 * page's event stream).
 */
export async function openReport(
  browser: Browser,
  target: string,
  options: { readonly allow?: (url: string) => boolean; readonly timeout?: number } = {},
): Promise<OpenedReport> {
  const url = target.startsWith('http') ? target : pathToFileURL(target).href;
  // A context of its own, as a reader's fresh tab: nothing carried over from pages opened before.
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`exception: ${error.message}`));
  page.on('requestfailed', (request) => {
    // A page that closes a stream it was allowed (a live page's events, at the run's end) aborts it.
    const closed =
      request.failure()?.errorText === 'net::ERR_ABORTED' && (options.allow?.(request.url()) ?? false);
    if (!closed) problems.push(`failed request: ${request.url()} (${request.failure()?.errorText})`);
  });
  page.on('request', (request) => {
    if (request.url() !== url && !(options.allow?.(request.url()) ?? false)) {
      problems.push(`request beyond the page: ${request.url()}`);
    }
  });
  try {
    await page.goto(url);
    await page
      .locator('html[data-ready="true"]')
      .waitFor({ state: 'attached', timeout: options.timeout ?? 30_000 });
  } catch (error) {
    await context.close();
    throw new Error(`the report did not draw: ${(error as Error).message}; ${problems.join('; ')}`);
  }
  const renderMs = (await page.evaluate('performance.now()')) as number;
  return { page, problems, renderMs, close: () => context.close() };
}

/** Where tests leave screenshots for review: `test-output/screenshots/` at the repository's root. */
export function screenshotPath(name: string): string {
  const path = join(repositoryRoot(), 'test-output', 'screenshots', `${name}.png`);
  mkdirSync(dirname(path), { recursive: true });
  return path;
}
