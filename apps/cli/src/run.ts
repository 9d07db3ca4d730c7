import {
  runFacts,
  runReport,
  type ScenarioRun,
  type ScenarioRunOptions,
  ScenarioSimulation,
  type ScenarioSummary,
} from '@hvsim/experiments';
import { type HtmlReport, renderHtmlReport, reportMain, writeRunOutputs } from '@hvsim/report';
import { type LoadedScenario, writeYaml } from '@hvsim/scenario';
import { formatTime } from '@hvsim/spec';
import { EVENTS_PATH, LiveServer } from './live-server';
import { cliVersion } from './version';

/** What a run did and how fast it was simulated, and the files written: the CLI's summary, and `--json` output. */
export interface RunSummary extends ScenarioSummary {
  readonly outputs: readonly string[];
  /** Present when Ctrl-C stopped a live run before its end: the summary and outputs are of the run so far. */
  readonly stopped?: true;
}

/** The CLI times its runs with its own clock. */
export interface RunOptions extends Omit<ScenarioRunOptions, 'wallClock'> {
  /** Folder for metrics, event log and charts; none: write nothing. */
  readonly out?: string;
  /** Serve the report live on 127.0.0.1 while the run goes on (`run --live`). */
  readonly live?: LiveOptions;
}

export interface LiveOptions {
  /** The port to listen on; 0: any free one. */
  readonly port: number;
  /** Called with the page's address once the server listens. */
  readonly onListening: (url: string) => void;
}

/** Wall time a live run simulates between looks at its server, and between updates to its pages. */
const SLICE_MS = 100;
const UPDATE_MS = 500;

const clock = () => performance.now();

/** Runs a loaded scenario to its duration; writes its outputs when asked. */
export async function runScenario(loaded: LoadedScenario, options: RunOptions = {}): Promise<RunSummary> {
  const simulation = new ScenarioSimulation(loaded, { ...options, wallClock: clock });
  const report = (run: ScenarioRun): HtmlReport =>
    runReport(run, { version: cliVersion(), scenarioText: writeYaml(loaded.scenario) });
  if (options.live === undefined) {
    simulation.advance();
    return (await finish(simulation, options, report)).summary;
  }
  return runLive(simulation, options, options.live, report);
}

/** The run's summary, its outputs written when asked (charts are made only to be written), and its report. */
async function finish(
  simulation: ScenarioSimulation,
  options: RunOptions,
  report: (run: ScenarioRun) => HtmlReport,
): Promise<{ summary: RunSummary; page: HtmlReport | undefined }> {
  const run = simulation.result(Boolean(options.out) && options.charts !== false);
  // The report is made only to be written or served.
  const page = options.out || options.live ? report(run) : undefined;
  const outputs = options.out
    ? await writeRunOutputs(options.out, { ...run, ...(page && { report: page }) })
    : [];
  return {
    summary: { ...run.summary, outputs, ...(simulation.done ? {} : { stopped: true as const }) },
    page,
  };
}

/**
 * Runs in slices of wall time, serving the report as the run stands between them, until the run ends or
 * Ctrl-C stops it; then writes the outputs of what ran and tells the pages where the report is.
 */
async function runLive(
  simulation: ScenarioSimulation,
  options: RunOptions,
  live: LiveOptions,
  report: (run: ScenarioRun) => HtmlReport,
): Promise<RunSummary> {
  const state = () => `simulated ${formatTime(simulation.now)} of ${formatTime(simulation.duration)}`;
  const current = (): HtmlReport => {
    const run = simulation.result(false);
    const page = run.metrics.times.length === 0 ? waiting(run) : report(run);
    return { ...page, live: { events: EVENTS_PATH } };
  };
  const server = await LiveServer.start(live.port, () => renderHtmlReport(current()));
  let stopped = false;
  const stop = () => {
    stopped = true;
  };
  process.once('SIGINT', stop);
  try {
    live.onListening(server.url);
    let updated = Number.NEGATIVE_INFINITY;
    let updateCost = 0;
    while (!simulation.done && !stopped) {
      const slice = clock() + SLICE_MS;
      simulation.advance(() => stopped || clock() > slice);
      // An update of a big run takes time of its own: at most a fifth of the run's goes to them.
      if (clock() - updated >= Math.max(UPDATE_MS, 4 * updateCost) && !simulation.done) {
        const started = clock();
        server.update({
          progress: simulation.now / simulation.duration,
          state: state(),
          ...reportMain(current()),
        });
        updated = clock();
        updateCost = updated - started;
      }
      // Lets the server answer, and Ctrl-C reach `stop`, before the next slice.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const { summary, page } = await finish(simulation, options, report);
    server.update({ progress: simulation.now / simulation.duration, state: state(), ...reportMain(page!) });
    const written = summary.outputs.find((path) => path.endsWith('report.html'));
    await server.end(
      `${stopped ? 'stopped' : 'finished'}: ${state()}${written === undefined ? '' : `; the report is ${written}`}`,
    );
    return summary;
  } catch (error) {
    await server.end(`failed: ${(error as Error).message}`);
    throw error;
  } finally {
    process.removeListener('SIGINT', stop);
  }
}

/** The page before the first sample of the run's metrics. */
const waiting = (run: ScenarioRun): HtmlReport => ({
  title: run.summary.scenario,
  kind: 'run',
  facts: runFacts(run, cliVersion()),
  vms: run.summary.vms.map((vm) => vm.name),
  sections: [
    { title: 'Starting', blocks: [{ kind: 'text', paragraphs: ['Waiting for the first samples…'] }] },
  ],
});
