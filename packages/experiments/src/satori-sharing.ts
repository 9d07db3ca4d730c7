import type { Host } from '@hvsim/host';
import { parseScenario } from '@hvsim/scenario';
import type { KsmSharing } from '@hvsim/sharing';
import { PageState, type SimTime, time } from '@hvsim/spec';
import { above, below, comparison, type Experiment, figure, hostOn } from './experiment';

/** Clones of one image in the staircase run, powered on this far apart. */
const CLONES = 4;
const STAGGER = time.s(60);
/** ksmd at 1,000 pages a second (100 pages every 100 ms): a pass over four clones takes about 25 s. */
const KSM = '{ kind: ksm, pagesToScan: 100, sleepMillisecs: 100 }';

/** A clone of image `base` running `phases` over blocks of its disk past the kernel's (1 MiB in). */
const clone = (name: string, powerOn: SimTime, phases: string) => `
  - name: ${name}
    memory: 32MiB
    powerOn: ${powerOn / 1e6}ms
    guest: { kind: linux, bootTime: 1s, image: base }
    workload: { kind: phased, offset: 256, compute: 20us, repeat: false, phases: ${phases} }`;

const scenario = (sharing: string, duration: SimTime, vms: string) => `
seed: 1
duration: ${duration / 1e6}ms
host: { memory: 256MiB, swap: 256MiB }
policies: { sharing: ${sharing}, shareScan: 100ms }
vms:${vms}`;

/** Staircase: each clone reads the same 24 MiB of the image, one a minute. */
export const satoriStaircase = (sharing: string) =>
  scenario(
    sharing,
    CLONES * STAGGER,
    Array.from({ length: CLONES }, (_, k) =>
      clone(`vm${k + 1}`, k * STAGGER, '[{ duration: 1h, pages: 24MiB, file: true, writeFraction: 0 }]'),
    ).join(''),
  );

/**
 * Short-lived sharing: two clones read the same 8 MiB a second apart, keep it 2 s, then rewrite every block
 * of it with contents of their own — duplicates that live about a second, much less than one of ksmd's
 * passes (about 5 s).
 */
const SHORT =
  '[{ duration: 2s, pages: 8MiB, file: true, writeFraction: 0 }, { duration: 20s, pages: 8MiB, file: true, writeFraction: 1 }]';
export const satoriShortLived = (sharing: string) =>
  scenario(sharing, time.s(20), clone('vm1', 0, SHORT) + clone('vm2', time.s(1), SHORT));

interface Sample {
  readonly t: number;
  /** Frames sharing saved: resident pages less the frames behind them. */
  readonly saved: number;
  /** What an instantaneous full content scan would save: resident pages less their distinct contents. */
  readonly oracle: number;
}

/** Frames saved and the oracle's, from one pass over every VM's pages. */
function measure(host: Host): Omit<Sample, 't'> {
  const { machine } = host;
  let resident = 0;
  const frames = new Set<number>();
  const contents = new Set<number>();
  for (const vm of machine.vms()) {
    for (let ppn = 0; ppn < machine.pageCount(vm); ppn++) {
      const state = machine.pageState(vm, ppn);
      if (state !== PageState.Private && state !== PageState.Shared) continue;
      resident++;
      frames.add(machine.frameOf(vm, ppn)!);
      contents.add(machine.peek(vm, ppn)!);
    }
  }
  return { saved: resident - frames.size, oracle: resident - contents.size };
}

interface Run {
  readonly samples: Sample[];
  readonly host: Host;
  /** Host times at which ksmd finished a pass, when it ran. */
  readonly passes: number[];
}

async function run(yaml: string, step: SimTime, seed: number | undefined): Promise<Run> {
  const { host: config, duration } = await parseScenario(yaml, 'satori-sharing');
  const host = hostOn(config, seed);
  const samples: Sample[] = [];
  const passes: number[] = [];
  const ksm = host.sharing as KsmSharing | undefined;
  let scans = 0;
  for (let t = 0; t <= duration; t += step) {
    host.run(t);
    samples.push({ t: t / 1e9, ...measure(host) });
    if (ksm?.name === 'ksm' && ksm.fullScans > scans) {
      scans = ksm.fullScans;
      passes.push(t / 1e9);
    }
  }
  return { samples, host, passes };
}

/** First sample time at which `saved` reaches `level`, at or after `from` seconds. */
const reached = (samples: readonly Sample[], from: number, level: number) =>
  samples.find((s) => s.t >= from && s.saved >= level)?.t ?? Number.POSITIVE_INFINITY;

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export const satoriSharing: Experiment = {
  name: 'satori-sharing',
  title:
    'Satori: sharing follows the I/O as clones read their image, catches short-lived sharing a scanner misses, and reaches ≥ 90% of an oracle',
  async run({ seed } = {}) {
    const step = time.ms(500);
    const [satori, scanner] = [
      await run(satoriStaircase('satori'), step, seed),
      await run(satoriStaircase(KSM), step, seed),
    ];
    const final = satori.samples.at(-1)!;
    // Each clone k ≥ 2 adds one step: when Satori and the scanner each climb 90% of it, and ksmd's pass then.
    const steps = Array.from({ length: CLONES - 1 }, (_, i) => {
      const start = ((i + 1) * STAGGER) / 1e9;
      const before = satori.samples.findLast((s) => s.t < start)!.oracle;
      const after = satori.samples.findLast((s) => s.t < start + STAGGER / 1e9)!.oracle;
      const level = before + 0.9 * (after - before);
      const tSatori = reached(satori.samples, start, level);
      const tScanner = reached(scanner.samples, start, level);
      const passes = scanner.passes.filter((p) => p >= start && p < start + STAGGER / 1e9);
      const period = median(passes.slice(1).map((p, j) => p - passes[j]!));
      return { clone: i + 2, start, tSatori, tScanner, period, lag: (tScanner - tSatori) / period };
    });
    const [satoriShort, scannerShort] = [
      await run(satoriShortLived('satori'), time.ms(250), seed),
      await run(satoriShortLived(KSM), time.ms(250), seed),
    ];
    // The duplicates' lifetime: from the second clone's power-on until both have rewritten them (later,
    // contents the clones happen to hold in common remain, for the scanner to find in its own time).
    const peak = (r: Run, key: 'saved' | 'oracle') =>
      Math.max(...r.samples.filter((s) => s.t >= 1 && s.t <= 4).map((s) => s[key]));
    const oracleShort = peak(satoriShort, 'oracle');
    const overOracle = [...satori.samples, ...satoriShort.samples].filter((s) => s.saved > s.oracle).length;
    const series = (label: string, r: Run, key: 'saved' | 'oracle') => ({
      label,
      kind: 'simulated' as const,
      points: r.samples.map((s) => ({ x: s.t, y: s[key] })),
    });
    return {
      figures: [
        below(
          'Satori shares as each clone reads (time to 90% of its step)',
          's',
          2,
          Math.max(...steps.map((s) => s.tSatori - s.start)),
        ),
        figure(
          'scanner lag behind Satori, first pair (two visits each)',
          'scan periods',
          1.5,
          steps[0]!.lag,
          0.75,
        ),
        below(
          'scanner lag behind Satori, later clones (one visit, stable tree)',
          'scan periods',
          1,
          Math.max(...steps.slice(1).map((s) => s.lag)),
        ),
        above(
          'scanner lag behind Satori, every step',
          'scan periods',
          0,
          Math.min(...steps.map((s) => s.lag)),
        ),
        above(
          'short-lived sharing Satori captures (peak, of the oracle’s)',
          '%',
          90,
          (100 * peak(satoriShort, 'saved')) / oracleShort,
        ),
        below(
          'short-lived sharing the scanner captures (peak, of the oracle’s)',
          '%',
          10,
          (100 * peak(scannerShort, 'saved')) / oracleShort,
        ),
        above('Satori’s sharing at the end, of the oracle’s', '%', 90, (100 * final.saved) / final.oracle),
        below('samples where Satori saved more than the oracle', 'samples', 0, overOracle),
      ],
      measurements: steps.map((s) => ({
        clone: s.clone,
        'powered on (s)': s.start,
        'Satori at 90% (s)': s.tSatori,
        'scanner at 90% (s)': s.tScanner,
        'ksmd pass (s)': Number(s.period.toFixed(1)),
        'lag (passes)': Number(s.lag.toFixed(2)),
      })),
      ...comparison(
        [
          series('Satori, frames saved', satori, 'saved'),
          series('KSM, frames saved', scanner, 'saved'),
          series('oracle (full content scan)', satori, 'oracle'),
        ],
        { title: 'Satori: sharing as clones of one image read it', xTitle: 's', yTitle: 'frames saved' },
      ),
    };
  },
};
