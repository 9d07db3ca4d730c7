import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, type OpenedReport, openReport, screenshotPath } from '@hvsim/bench-kit';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { main } from './cli';
import { capture, FIXTURES, HVSIM, REPO, SMALL, tmpDir } from './test-support';

// Every kind of report, opened in Debian's chromium: nothing fails or reaches the network, every chart draws
// marks, hovering shows values, hiding a VM hides its lines, and a live page follows its run.

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** Opens a report, and on the way out checks that nothing went wrong and keeps a screenshot for review. */
async function opened(path: string, name: string, check: (report: OpenedReport) => Promise<void>) {
  const report = await openReport(browser, path);
  try {
    await check(report);
    await report.page.screenshot({ path: screenshotPath(name), fullPage: true });
    expect(report.problems).toEqual([]);
  } finally {
    await report.close();
  }
}

/** Marks a chart drew: lines, points, areas, bars. */
const marks = (chart: Locator) =>
  chart.locator('svg.marks').locator('.mark-line path, .mark-symbol path, .mark-area path, .mark-rect path');

/** Every chart on the page drew marks. */
async function everyChartDrawn(page: Page): Promise<number> {
  const charts = page.locator('figure.chart');
  const count = await charts.count();
  expect(count).toBeGreaterThan(0);
  for (let i = 0; i < count; i++) {
    const chart = charts.nth(i);
    if (await chart.isHidden()) continue;
    expect(await marks(chart).count(), (await chart.getAttribute('id')) ?? '').toBeGreaterThan(0);
  }
  return count;
}

/** Moves the pointer over a point of a chart's plot and returns the tooltip's text once it shows. */
async function hover(page: Page, chart: Locator, x: number, y: number): Promise<string> {
  await chart.scrollIntoViewIfNeeded();
  const box = (await chart.locator('svg.marks').boundingBox())!;
  await page.mouse.move(box.x + x * box.width, box.y + y * box.height);
  const tooltip = page.locator('#vg-tooltip-element.visible');
  await tooltip.waitFor({ state: 'visible', timeout: 5000 });
  return (await tooltip.textContent()) ?? '';
}

/** Clicks a legend's entry as a reader does, at its label (vega takes the click on the chart's SVG). */
async function clickLegend(page: Page, chart: Locator, label: string) {
  const box = (await chart
    .locator('.role-legend-label text', { hasText: new RegExp(`^${label}$`) })
    .boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
}

describe('report pages in a browser', () => {
  test('a run: charts per VM, values on hover, a VM hidden from the picker or a legend and shown again', async () => {
    const out = tmpDir('hvsim-report-run-');
    const scenario = join(out, 'esx.yaml');
    writeFileSync(
      scenario,
      `${readFileSync(SMALL, 'utf8').replace('duration: 60ms', 'duration: 400ms')}policies: { stack: esx }\n`,
    );
    expect(await main(['run', scenario, '-o', out, '-q'], capture())).toBe(0);
    await opened(join(out, 'report.html'), 'run', async ({ page }) => {
      await everyChartDrawn(page);
      const lines = () => page.locator('#chart-allocation .mark-line path').count();
      expect(await lines()).toBe(2);
      expect(await page.locator('#chart-throughput .mark-line path').count()).toBe(2);
      expect(await page.locator('figure.chart[data-vm]').count()).toBe(2);
      // The host went through its reclamation states: bands behind its free memory.
      expect(await page.locator('#chart-host-free .mark-rect path').count()).toBeGreaterThan(0);

      const text = await hover(page, page.locator('#chart-allocation'), 0.5, 0.5);
      expect(text).toMatch(/time \(s\)\s*[\d.]+/);
      expect(text).toMatch(/a\s*[\d.,]+/);

      await page.locator('.vm-picker input[data-vm="a"]').uncheck();
      await expect.poll(lines).toBe(1);
      expect(await page.locator('figure.chart[data-vm="a"]').isHidden()).toBe(true);
      await page.locator('.vm-picker input[data-vm="a"]').check();
      await expect.poll(lines).toBe(2);

      const throughput = page.locator('#chart-throughput');
      await throughput.scrollIntoViewIfNeeded();
      await clickLegend(page, throughput, 'b');
      await expect.poll(() => page.locator('#chart-throughput .mark-line path').count()).toBe(1);
      expect(await page.locator('.vm-picker input[data-vm="b"]').isChecked()).toBe(false);
      expect(await lines()).toBe(1);
    });
  }, 60_000);

  test('the demo: its story, both runs in one chart each, then each run in full; a VM hidden in both', async () => {
    const out = tmpDir('hvsim-report-demo-');
    expect(await main(['demo', '-o', out, '-q', '--no-charts'], capture())).toBe(0);
    await opened(join(out, 'report.html'), 'demo', async ({ page }) => {
      await everyChartDrawn(page);
      expect(await page.locator('.code pre').first().textContent()).toMatch(/Memory filled at [\d.]+ s/);
      for (const chart of ['compare-throughput', 'compare-free', 'compare-swap']) {
        expect(await page.locator(`#chart-${chart} .mark-line path`).count(), chart).toBe(2);
      }
      const webLines = () =>
        Promise.all(
          ['host-paging', 'esx'].map((run) =>
            page.locator(`#chart-${run}-allocation .mark-line path`).count(),
          ),
        );
      expect(await webLines()).toEqual([4, 4]);
      await page.locator('.vm-picker input[data-vm="web"]').uncheck();
      await expect.poll(webLines).toEqual([3, 3]);
      expect(await page.locator('figure.chart[data-vm="web"]').count()).toBe(2);
      expect(await page.locator('figure.chart[data-vm="web"]:visible').count()).toBe(0);
    });
  }, 60_000);

  test('a reproduction: the figures with their verdicts, the published points with their values on hover', async () => {
    const out = tmpDir('hvsim-report-reproduce-');
    expect(await main(['reproduce', 'double-paging', '-o', out], capture())).toBe(0);
    await opened(join(out, 'report.html'), 'reproduce', async ({ page }) => {
      await everyChartDrawn(page);
      const verdicts = page.locator('table.data td.pass');
      expect(await verdicts.count()).toBeGreaterThan(0);
      expect(await page.locator('table.data td.fail').count()).toBe(0);
      const chart = page.locator('#chart-comparison');
      await chart.scrollIntoViewIfNeeded();
      const point = (await chart.locator('.mark-symbol path').first().boundingBox())!;
      await page.mouse.move(point.x + point.width / 2, point.y + point.height / 2);
      const tooltip = page.locator('#vg-tooltip-element.visible');
      await tooltip.waitFor({ state: 'visible', timeout: 5000 });
      expect(await tooltip.textContent()).toMatch(/series.*\d/);
    });
  }, 60_000);

  test('a sweep: charts with confidence bands, and a table of points sorted by a click on its heading', async () => {
    const dir = tmpDir('hvsim-report-sweep-');
    writeFileSync(join(dir, 'host.yaml'), readFileSync(SMALL, 'utf8'));
    writeFileSync(
      join(dir, 'study.yaml'),
      'name: small study\nscenario: ./host.yaml\nmatrix:\n  host.memory: [6MiB, 10MiB]\nseeds: [1, 2]\nmetrics:\n  throughput: vms[*].throughput | sum\n',
    );
    expect(await main(['sweep', 'study.yaml', '--jobs', '1', '-q'], capture(dir))).toBe(0);
    await opened(join(dir, 'hvsim-sweep', 'study', 'report.html'), 'sweep', async ({ page }) => {
      await everyChartDrawn(page);
      expect(await page.locator('#chart-chart-1 .mark-area path').count()).toBeGreaterThan(0);
      const table = page.locator('table.sortable').first();
      const heading = table.locator('th', { hasText: /^throughput$/ });
      const column = await table.locator('th').evaluateAll((ths) => ths.map((th) => th.textContent));
      const index = column.indexOf('throughput');
      const cells = () =>
        table
          .locator(`tbody tr td:nth-child(${index + 1})`)
          .evaluateAll((tds) => tds.map((td) => Number(td.textContent)));
      await heading.click();
      expect(await heading.getAttribute('aria-sort')).toBe('ascending');
      const ascending = await cells();
      expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
      await heading.click();
      const descending = await cells();
      expect(descending).toEqual([...ascending].reverse());
    });
  }, 60_000);

  test('a miniature check: the errors against their tolerances', async () => {
    const out = tmpDir('hvsim-report-miniature-');
    const code = await main(['miniature-check', SMALL, '--scales', '2', '-o', out, '-q'], capture());
    expect([0, 1]).toContain(code);
    await opened(join(out, 'report.html'), 'miniature-check', async ({ page }) => {
      await everyChartDrawn(page);
      expect(await page.locator('table.data tbody tr').count()).toBeGreaterThan(0);
    });
  }, 60_000);

  test('run --live: the page follows the run as it goes, then says where the report was written', async () => {
    const out = tmpDir('hvsim-report-live-');
    const live = await startLive(out);
    const report = await openReport(browser, live.url, { allow: (u) => u === `${live.url}events` });
    try {
      const { page } = report;
      await page.locator('html[data-live="ended"]').waitFor({ state: 'attached', timeout: 60_000 });
      // The server sends one update when the run has ended: any other came while it went on.
      expect(Number(await page.locator('html').getAttribute('data-updates'))).toBeGreaterThanOrEqual(2);
      expect(await page.locator('.live-state').textContent()).toMatch(
        /^finished: simulated 3 s of 3 s; the report is .*report\.html$/,
      );
      expect(await page.locator('.live progress').getAttribute('value')).toBe('1');
      await everyChartDrawn(page);
      await page.screenshot({ path: screenshotPath('live'), fullPage: true });
      expect(report.problems).toEqual([]);
    } finally {
      await report.close();
    }
    expect(await live.exited).toBe(0);
    expect(statSync(join(out, 'report.html')).size).toBeGreaterThan(0);
  }, 90_000);

  test('run --live stops on Ctrl-C, writes the run so far and exits 130', async () => {
    const out = tmpDir('hvsim-report-live-stop-');
    const live = await startLive(out);
    live.child.kill('SIGINT');
    expect(await live.exited).toBe(130);
    expect(live.stdout()).toContain('stopped by Ctrl-C: the summary and outputs are of the run so far');
    expect(statSync(join(out, 'metrics.csv')).size).toBeGreaterThan(0);
  }, 60_000);
});

/** `hvsim run --live` on the live fixture in a process of its own, once it says where its page is. */
async function startLive(out: string) {
  const child = spawn(
    process.execPath,
    [...HVSIM, 'run', join(FIXTURES, 'live.yaml'), ...['--live', '-o', out, '-q', '--no-charts']],
    { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const exited = new Promise<number | null>((done) => child.on('exit', done));
  const url = await new Promise<string>((found, failed) => {
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /live report at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stderr);
      if (match) found(match[1]!);
    });
    child.on('exit', () => failed(new Error(`hvsim exited before serving: ${stderr}`)));
  });
  return { child, url, exited, stdout: () => stdout };
}
