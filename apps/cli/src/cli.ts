import { existsSync } from 'node:fs';
import { basename, extname, isAbsolute, join, relative, resolve } from 'node:path';
import {
  curveChart,
  experimentList,
  findExperiment,
  miniatureChart,
  miniatureCheck,
  miniatureCheckReport,
  reproductionReport,
  runExperiment,
  scoreScenario,
  traceMissRatioCurve,
} from '@hvsim/experiments';
import { dedupFiles } from '@hvsim/images';
import { formatTable, writeChart, writeChartFiles, writeOutput, writeReport } from '@hvsim/report';
import {
  creationProblems,
  defaultRegistry,
  type LoadedScenario,
  loadPlugins,
  loadScenario,
  loadSweep,
  optionDocs,
  parseScenario,
  parseScenarioWith,
  ScenarioError,
  scenarioJsonSchema,
  sweepJsonSchema,
} from '@hvsim/scenario';
import { countOf, formatTime, HvsimError, InvalidInputError, parseDuration } from '@hvsim/spec';
import { TRACE_FORMATS } from '@hvsim/workloads';
import { SingleBar } from 'cli-progress';
import { Command, Option } from 'commander';
import { DEMO_RUNS, DEMO_SCENARIO } from './demo';
import { runDemo } from './demo-run';
import { type MrcFlags, mrcRequest } from './mrc-flags';
import { checkWritableDir } from './output-path';
import { type RunSummary, runScenario } from './run';
import { parseScale, parseScales, parseSeeds } from './scale-flag';
import { SCORE_SCENARIO } from './score';
import {
  formatCurve,
  formatDedup,
  formatDemo,
  formatFigures,
  formatMiniatureCheck,
  formatScores,
  formatSummary,
} from './summary';
import { formatSweep, SWEEP_HELP, sweepExecutor, sweepWithProgress } from './sweep';
import { cliVersion } from './version';
import { runWorker, type WorkerFlags } from './worker';

/** Where the CLI writes: swapped out by tests. */
export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Whether stderr is a terminal (a progress bar is shown only there). */
  readonly tty: boolean;
  /** Where relative paths on the command line start (default: the process's working directory). */
  readonly cwd?: string;
}

const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  tty: process.stderr.isTTY === true,
  // `npm run hvsim` runs from the repository's root; INIT_CWD is where the user typed the command.
  cwd: process.env['INIT_CWD'] ?? process.cwd(),
};

/** Exit code of a bug in hvsim (sysexits' EX_SOFTWARE), apart from a user's mistake (2). */
const BUG_EXIT_CODE = 70;

interface RunFlags {
  readonly out?: string | undefined;
  readonly live?: boolean;
  readonly port?: string;
  readonly json?: boolean;
  readonly charts?: boolean;
  readonly quiet?: boolean;
  readonly checkInvariants?: boolean;
  /** `--scale` as typed; checked by parseScale. */
  readonly scale?: string;
}

/** A progress bar on stderr, when it is a terminal and the output is neither quiet nor JSON. */
function progressBar(flags: RunFlags, io: Io): SingleBar | undefined {
  if (!io.tty || flags.quiet || flags.json) return undefined;
  const bar = new SingleBar({
    format: 'simulating [{bar}] {percentage}% | ETA {eta}s',
    stream: process.stderr,
    hideCursor: true,
  });
  bar.start(100, 0);
  return bar;
}

async function runAndReport(loaded: LoadedScenario, flags: RunFlags, io: Io): Promise<RunSummary> {
  const bar = progressBar(flags, io);
  const port = livePort(flags);
  const summary = await runScenario(loaded, {
    onProgress: (fraction) => bar?.update(Math.round(100 * fraction)),
    ...(port === undefined
      ? {}
      : { live: { port, onListening: (url) => io.err(`live report at ${url} (Ctrl-C stops the run)\n`) } }),
    ...(flags.out === undefined ? {} : { out: flags.out }),
    charts: flags.charts !== false,
    ...(flags.checkInvariants ? { checkInvariants: true } : {}),
    ...(flags.scale === undefined ? {} : { scale: parseScale(flags.scale) }),
  }).finally(() => bar?.stop());
  io.out(flags.json ? `${JSON.stringify(summary, null, 2)}\n` : `${formatSummary(summary)}\n`);
  if (summary.invariantsChecked && !flags.json) io.out('every invariant held after every quantum\n');
  if (summary.stopped && !flags.json)
    io.out('stopped by Ctrl-C: the summary and outputs are of the run so far\n');
  return summary;
}

/** `--live`'s port (0: any free one), or none without `--live`; `--port` alone is refused. */
function livePort(flags: RunFlags): number | undefined {
  if (flags.live !== true) {
    if (flags.port !== undefined)
      throw new InvalidInputError('--port', 'is for --live: add --live, or leave --port out');
    return undefined;
  }
  if (flags.port === undefined) return 0;
  const port = Number(flags.port);
  if (!/^\d+$/.test(flags.port) || port > 65_535) {
    throw new InvalidInputError(
      '--port',
      `expected a port from 0 to 65535, got ${JSON.stringify(flags.port)}`,
    );
  }
  return port;
}

const PLUGIN_FLAG = '--plugin <modules...>';
const PLUGIN_HELP =
  "plugin modules (paths, or package names) whose kinds to include, as a scenario's `plugins:`";

/** The scenario's own output folder, as a path: like every path in the file, relative to the file. */
const scenarioOutputs = ({ scenario, host }: LoadedScenario): string | undefined =>
  scenario.outputs.dir === undefined ? undefined : resolve(host.baseDir ?? '.', scenario.outputs.dir);

/**
 * A scenario file loaded and checked as far as it can be without simulating: its fields, admission, and
 * what creating its policies and workloads would find (a missing trace file), every problem at once.
 */
async function loadChecked(path: string): Promise<LoadedScenario> {
  const loaded = await loadScenario(path);
  const problems = creationProblems(loaded);
  if (problems.length > 0) throw new ScenarioError(loaded.source, problems);
  return loaded;
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let code = 0;
  /** A path from the command line, resolved against the folder the user typed the command in. */
  const at = (path: string) => resolve(io.cwd ?? process.cwd(), path);
  /** A path written, as the user would type it: from where they are when it is under there. */
  const shownPath = (path: string) => {
    const from = relative(io.cwd ?? process.cwd(), path);
    return from === '' || from.startsWith('..') || isAbsolute(from) ? path : from;
  };
  /** An output folder, resolved, created and checked writable before any work starts; none: none. */
  const outDir = (dir: string | undefined, flag: string) => {
    if (dir === undefined) return undefined;
    const path = at(dir);
    checkWritableDir(path, flag);
    return path;
  };
  /** The built-in definitions and those of the plugin modules named on the command line. */
  const registryWith = async (plugins: readonly string[] = []) => {
    const registry = defaultRegistry();
    // On the command line a file that exists is a path, as the shell completes it, even without "./".
    const specifiers = plugins.map((plugin) => (existsSync(at(plugin)) ? at(plugin) : plugin));
    const problems = await loadPlugins(registry, specifiers, at('.'));
    if (problems.length > 0) throw new HvsimError('invalid-plugin', problems[0]!.message, '--plugin');
    return registry;
  };
  const program = new Command()
    .name('hvsim')
    .description('Simulate how a hypervisor manages the memory of overcommitted virtual machines.')
    .version(cliVersion())
    .option('--debug', 'on a bug in hvsim, print its stack trace')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });

  program
    .command('run')
    .description('run a scenario file (YAML or JSON)')
    .argument('<scenario>', 'path of the scenario file')
    .option('-o, --out <dir>', 'write metrics (JSON, CSV), the event log and charts (SVG, PNG) here')
    .option('--json', 'print the summary as JSON')
    .option('--no-charts', 'do not draw charts')
    .option('-q, --quiet', 'no progress bar')
    .option(
      '--check-invariants',
      "check the machine's and guests' invariants after every quantum; stop at the first one broken (slow)",
    )
    .option(
      '--scale <R>',
      "simulate a miniature: one page stands for R, figures scaled back (overrides the scenario's `scale`)",
    )
    .option(
      '--live',
      'serve the report on 127.0.0.1 while the run goes on, updated as it goes (Ctrl-C stops)',
    )
    .option('--port <port>', 'the port --live listens on (default: any free port, printed)')
    .action(async (path: string, flags: RunFlags) => {
      // Checked before the scenario is read or anything written.
      if (flags.scale !== undefined) parseScale(flags.scale);
      livePort(flags);
      const loaded = await loadChecked(at(path));
      const out = outDir(flags.out, '--out') ?? outDir(scenarioOutputs(loaded), 'outputs.dir');
      const summary = await runAndReport(loaded, { ...flags, out }, io);
      if (summary.stopped) code = 130;
    });

  program
    .command('demo')
    .description(
      'run the embedded scenario, four VMs overcommitted 1.5×, twice: with host paging only, then with the ESX stack (idle memory tax, ballooning, sharing); tell what happened in each and compare them',
    )
    .option(
      '-o, --out <dir>',
      "write each run's metrics, event log and charts in a folder of its own here, and the comparison's charts",
      'hvsim-demo',
    )
    .option('--json', 'print each run (summary, story, files) and the comparison as JSON')
    .option('--no-charts', 'do not draw charts')
    .option('-q, --quiet', 'no progress bar')
    .action(async (flags: RunFlags) => {
      const out = outDir(flags.out, '--out')!;
      const [first, second] = await Promise.all(
        DEMO_RUNS.map(async ({ name, label, set }) => ({
          name,
          label,
          loaded: await parseScenarioWith(DEMO_SCENARIO, `demo (${label})`, set),
        })),
      );
      const bar = progressBar(flags, io);
      const { demo, files } = await runDemo([first!, second!], out, {
        onProgress: (fraction) => bar?.update(Math.round(100 * fraction)),
        charts: flags.charts !== false,
      }).finally(() => bar?.stop());
      if (!flags.json) {
        io.out(`${formatDemo(demo, files, shownPath)}\n`);
        return;
      }
      const runs = demo.runs.map(({ name, label, run, story }, i) => ({
        name,
        label,
        summary: run.summary,
        story,
        outputs: files.runs[i]!.files,
      }));
      const { comparison } = demo;
      io.out(
        `${JSON.stringify({ runs, comparison, charts: files.charts, report: files.report }, null, 2)}\n`,
      );
    });

  program
    .command('mrc')
    .description('the LRU miss-ratio curve of a trace: (cache size in pages, miss ratio) rows, and a chart')
    .argument('<trace>', 'a trace file: valgrind lackey, libCacheSim txt, csv or oracleGeneral, or hvsim-csv')
    .option(
      '--trace-format <format>',
      `the trace's format (default: from the file name): ${TRACE_FORMATS.join(', ')}`,
    )
    .option(
      '--sizes <sizes...>',
      'cache sizes, in pages or as sizes such as 10MiB, separated by commas or blanks (default: a spread up to the largest distance seen)',
    )
    .option('--format <format>', 'table, csv or json', 'table')
    .option('--shards <rate>', 'approximate by SHARDS spatial sampling at this rate in (0, 1]')
    .option('--chart <file>', 'draw the curve to an .svg or .png file')
    .option('--obj-id-col <column>', 'csv traces: 1-based column of the object id')
    .option('--has-header', 'csv traces: the first line is a header')
    .option('--delimiter <char>', 'csv traces: the field delimiter (default ",")')
    .action(async (path: string, flags: MrcFlags) => {
      const { format, chart, options } = mrcRequest({
        ...flags,
        ...(flags.chart === undefined ? {} : { chart: at(flags.chart) }),
      });
      const result = traceMissRatioCurve(at(path), options);
      io.out(formatCurve(result, format));
      if (chart) await writeChartFiles(curveChart(result), [chart]);
    });

  program
    .command('score')
    .description('score every detector against the oracle on one run: error, lag after steps, overhead')
    .argument('[scenario]', 'a scenario whose VMs have `observers: [oracle, …]` (default: an embedded one)')
    .option('--json', 'print the scores as JSON')
    .action(async (path: string | undefined, flags: { json?: boolean }) => {
      const loaded = path ? await loadChecked(at(path)) : await parseScenario(SCORE_SCENARIO, 'score');
      const rows = scoreScenario(loaded);
      if (flags.json) io.out(`${JSON.stringify(rows, null, 2)}\n`);
      else io.out(`${loaded.scenario.name ?? loaded.source}\n\n${formatScores(rows)}\n`);
    });

  program
    .command('dedup')
    .description(
      'how much content-based page sharing would find in files or disk images after a full scan, per file ' +
        'and in total: pages, zero pages, shared pages (mapped to a frame that more than one page maps) and ' +
        'reclaimed pages (shared pages minus the frames that hold them). Each shared frame is charged to the ' +
        'first page holding its content, in the order the files are given; every other page of that content ' +
        'is reclaimed in the file it is in, so the files add up to the total.',
    )
    .argument('<files...>', 'files or disk images, cut into 4 KiB pages (the last one padded with zeros)')
    .option('--json', 'print { files: [{ path, pages, zeroPages, sharedPages, reclaimedPages }], total }')
    .action((paths: string[], flags: { json?: boolean }) => {
      const report = dedupFiles(paths.map(at));
      io.out(flags.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatDedup(report)}\n`);
    });

  program
    .command('validate')
    .description('check a scenario file without running it')
    .argument('<scenario>', 'path of the scenario file')
    .action(async (path: string) => {
      const loaded = await loadChecked(at(path));
      const outputs = scenarioOutputs(loaded);
      if (outputs !== undefined) checkWritableDir(outputs, 'outputs.dir', { create: false });
      const { host, duration, expectedRefusals } = loaded;
      const vms = countOf(host.vms.length, 'VM');
      io.out(`${path}: valid — ${vms}, ${formatTime(duration)} of host time\n`);
      for (const r of expectedRefusals) io.out(`  ${r.path} (refusal expected): ${r.message}\n`);
    });

  program
    .command('list')
    .description('list the registered guests, workloads and policies with their options')
    .option('--json', 'print the list as JSON')
    .option(PLUGIN_FLAG, PLUGIN_HELP)
    .action(async (flags: { json?: boolean; plugin?: string[] }) => {
      const definitions = (await registryWith(flags.plugin)).list();
      const rows = definitions.map((d) => ({
        contract: d.contract,
        name: d.name,
        description: d.description,
        options: Object.fromEntries(optionDocs(d.options).map((o) => [o.name, o.description])),
      }));
      if (flags.json) io.out(`${JSON.stringify(rows, null, 2)}\n`);
      else {
        for (const row of rows) {
          io.out(`${row.contract}  ${row.name}\n  ${row.description}\n`);
          for (const [key, text] of Object.entries(row.options)) io.out(`    ${key}: ${text}\n`);
        }
      }
    });

  program
    .command('schema')
    .description('print the JSON Schema of scenario files, or of sweep files (for editor completion)')
    .option('--sweep', 'the schema of sweep files (`hvsim sweep`)')
    .option(PLUGIN_FLAG, PLUGIN_HELP)
    .action(async (flags: { sweep?: boolean; plugin?: string[] }) => {
      const registry = await registryWith(flags.plugin);
      const schema = flags.sweep ? sweepJsonSchema(registry) : scenarioJsonSchema(registry);
      io.out(`${JSON.stringify(schema, null, 2)}\n`);
    });

  program
    .command('miniature-check')
    .description(
      'run a scenario in full and as miniatures, and print how far each miniature is from the full run',
    )
    .argument('<scenario>', 'path of the scenario file')
    .requiredOption(
      '--scales <scales...>',
      'the miniatures’ scales, separated by commas or blanks, e.g. 4,16,64',
    )
    .option(
      '--seeds <seeds...>',
      "seeds to run each with; figures are means over them (default: the scenario's)",
    )
    .option('--duration <time>', "host time to run, e.g. 60s (default: the scenario's duration)")
    .option('-o, --out <dir>', 'folder for the comparison (JSON) and its chart', 'hvsim-miniature-check')
    .option('--json', 'print the comparison as JSON')
    .option('-q, --quiet', 'no progress line')
    .action(
      async (
        path: string,
        flags: {
          scales: string[];
          seeds?: string[];
          duration?: string;
          out: string;
          json?: boolean;
          quiet?: boolean;
        },
      ) => {
        const scales = parseScales(flags.scales);
        const seeds = flags.seeds === undefined ? undefined : parseSeeds(flags.seeds);
        const duration =
          flags.duration === undefined ? undefined : parseDuration(flags.duration, '--duration');
        const out = outDir(flags.out, '--out')!;
        const loaded = await loadChecked(at(path));
        const progress = io.tty && !flags.quiet && !flags.json;
        const check = miniatureCheck(loaded, {
          wallClock: () => performance.now(),
          scales,
          ...(seeds === undefined ? {} : { seeds }),
          ...(duration === undefined ? {} : { duration }),
          onRun: ({ scale, seed }) => {
            if (progress) io.err(`running ${scale === 1 ? 'in full' : `at scale ${scale}`}, seed ${seed}…\n`);
          },
        });
        const json = join(out, 'miniature-check.json');
        await writeOutput(json, `${JSON.stringify(check, null, 2)}\n`, 'the comparison');
        const outputs = [
          json,
          ...(await writeChart(join(out, 'miniature-check'), miniatureChart(check))),
          await writeReport(out, miniatureCheckReport(check, { version: cliVersion() })),
        ];
        io.out(
          flags.json
            ? `${JSON.stringify({ ...check, outputs }, null, 2)}\n`
            : `${formatMiniatureCheck(check)}\nwrote ${outputs.join(', ')}\n`,
        );
        if (!check.pass) code = 1;
      },
    );

  program
    .command('sweep')
    .description(
      'run a scenario over a matrix of values and seeds (a sweep file), on every core or on `hvsim worker`s through a queue; write each run, the mean and 95% confidence interval across seeds, and charts',
    )
    .argument('<file>', 'path of the sweep file (`hvsim schema --sweep` prints its JSON Schema)')
    .option(
      '-o, --out <dir>',
      'folder for the results; runs already there are not run again (default: hvsim-sweep/<file name>)',
    )
    .option('-j, --jobs <N>', 'runs at once, each on a thread of its own (default: one per core)')
    .option(
      '--queue <url>',
      'run on the `hvsim worker`s of the queue on this Redis (redis://host:6379/0, rediss:// for TLS) instead of here',
    )
    .option('--scale <R>', "run every point as a miniature at scale R (overrides the sweep file's `scale`)")
    .option('--json', 'print { name, progress, complete, points, outputs } as JSON')
    .option('-q, --quiet', 'no progress bar')
    .addHelpText('after', SWEEP_HELP)
    .action(
      async (
        path: string,
        flags: {
          out?: string;
          jobs?: string;
          queue?: string;
          scale?: string;
          json?: boolean;
          quiet?: boolean;
        },
      ) => {
        const version = `hvsim@${cliVersion()}`;
        // Flags are checked before the sweep is read, and the sweep before anything is written.
        const executor = sweepExecutor(flags, version, io);
        const scale = flags.scale === undefined ? undefined : parseScale(flags.scale);
        const plan = await loadSweep(at(path), scale === undefined ? {} : { scale });
        const out = outDir(flags.out ?? join('hvsim-sweep', basename(path, extname(path))), '--out')!;
        if (flags.queue !== undefined && !flags.quiet && !flags.json) {
          io.err(`the runs go to the queue: start workers with hvsim worker --queue <the same URL>\n`);
        }
        const { outcome, stopped } = await sweepWithProgress(plan, executor, {
          out,
          bar: io.tty && !flags.quiet && !flags.json,
          version,
        });
        const { progress, complete, points, outputs } = outcome;
        io.out(
          flags.json
            ? `${JSON.stringify({ name: plan.sweep.name, progress, complete, points, outputs }, null, 2)}\n`
            : formatSweep(plan, outcome, stopped),
        );
        if (stopped) code = 130;
        else if (progress.failed > 0) code = 1;
      },
    );

  program
    .command('worker')
    .description(
      'run the runs of `hvsim sweep --queue` on this machine, taken from the queue, until Ctrl-C; start any number, anywhere',
    )
    .requiredOption('--queue <url>', 'the Redis of the queue, as given to hvsim sweep --queue')
    .option('-c, --concurrency <N>', 'runs at once, each on a thread of its own (default: one per core)')
    .option('-q, --quiet', 'no line per run')
    .addOption(new Option('--lock-duration <ms>').hideHelp())
    .addOption(new Option('--stalled-interval <ms>').hideHelp())
    .action((flags: WorkerFlags) => runWorker(flags, `hvsim@${cliVersion()}`, io));

  program
    .command('reproduce')
    .description("list the papers' experiments, or run one and check it against the published figures")
    .argument('[name]', 'the experiment, e.g. esx-fig2')
    .option('--json', 'print { name, figures, measurements, outputs } as JSON')
    .option('-o, --out <dir>', 'folder for the chart, SVG and PNG (default: hvsim-reproduce/<name>)')
    .action(async (name: string | undefined, flags: { json?: boolean; out?: string }) => {
      if (name === undefined) {
        const listed = experimentList();
        if (listed.length === 0) io.out('no experiments are registered yet\n');
        for (const e of listed) io.out(`${e.name}  ${e.title}\n`);
        return;
      }
      // An unknown name is refused before the output folder is made.
      findExperiment(name, 'reproduce');
      const out = outDir(flags.out ?? join('hvsim-reproduce', name), '--out')!;
      const result = await runExperiment(name);
      const outputs = await writeChart(join(out, name), result.chart);
      outputs.push(await writeReport(out, reproductionReport(result, { version: cliVersion() })));
      const { title, figures, measurements } = result;
      io.out(
        flags.json
          ? `${JSON.stringify({ name, figures, ...(measurements ? { measurements } : {}), outputs }, null, 2)}\n`
          : `${title}\n\n${formatFigures(figures)}\n${measurements ? `\n${formatTable(measurements)}\n` : ''}` +
              `wrote ${outputs.join(', ')}\n`,
      );
      if (!result.pass) code = 1;
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    // commander's own exits (help, version, a usage error) carry their exit code.
    if (error && typeof error === 'object' && 'exitCode' in error && 'code' in error) {
      return (error as { exitCode: number }).exitCode;
    }
    // A user's mistake is the caller's to print; anything else is a bug, told as one in a line.
    if (error instanceof HvsimError) throw error;
    const stack = error instanceof Error ? error.stack : undefined;
    io.err(
      `hvsim: this is a bug in hvsim, please report it: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    io.err(
      program.opts()['debug']
        ? `${stack ?? String(error)}\n`
        : '(run again with --debug for the stack trace)\n',
    );
    return BUG_EXIT_CODE;
  }
  return code;
}
