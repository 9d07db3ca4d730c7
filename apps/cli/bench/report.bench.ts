/**
 * A report's size and drawing time (issue: HTML reports): the report of a 16-VM, 1-hour run
 * (`sixteen-vms.yaml`) must stay under 5 MB and draw in under 2 s in the test browser (Debian's chromium).
 * The run is simulated once; the page is then opened 5 times in a fresh page each, and the figure is the
 * median time from navigation until every chart is drawn.
 */
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser, openReport, report } from '@hvsim/bench-kit';
import { loadScenario } from '@hvsim/scenario';
import { runScenario } from '../src/run';

const out = mkdtempSync(join(tmpdir(), 'hvsim-report-bench-'));
const loaded = await loadScenario(join(import.meta.dirname, 'sixteen-vms.yaml'));
const run = await runScenario(loaded, { out, charts: false });
const page = join(out, 'report.html');
const megabytes = statSync(page).size / 1e6;

const browser = await launchBrowser();
const times: number[] = [];
try {
  for (let i = 0; i < 5; i++) {
    const opened = await openReport(browser, page);
    if (opened.problems.length > 0) throw new Error(`the report has problems: ${opened.problems.join('; ')}`);
    times.push(opened.renderMs);
    await opened.close();
  }
} finally {
  await browser.close();
}
times.sort((a, b) => a - b);
const what = `${run.vms.length} VMs, ${run.simulatedSeconds} simulated s, ${run.events} events`;
report('report', [
  {
    name: 'report of a 16-VM 1-hour run: size',
    unit: 'MB',
    value: megabytes,
    target: 5,
    better: 'lower',
    note: what,
  },
  {
    name: 'report of a 16-VM 1-hour run: drawn in chromium',
    unit: 'ms',
    value: times[2]!,
    target: 2000,
    better: 'lower',
    note: `median of 5 fresh pages (${times.map((t) => Math.round(t)).join(', ')} ms), navigation until every chart is drawn`,
  },
]);
