import { parseScenario } from '@hvsim/scenario';
import { creditsSharers } from '@hvsim/spec';
import { above, below, comparison, type Experiment, hostOn } from './experiment';
import { mean, seriesValues } from './series';

const READ = '{ duration: 1h, pages: 28MiB, file: true, writeFraction: 0 }';
const WRITE_AFTER_A_MINUTE = `{ duration: 1min, pages: 28MiB, file: true, writeFraction: 0 }, { duration: 1h, pages: 28MiB, file: true, writeFraction: 0.2 }`;

/** A VM of image `image` running `phases` over 28 MiB of its disk, through a page cache held to about 23 MiB. */
const vm = (name: string, image: string, phases: string) => `
  - name: ${name}
    memory: 32MiB
    guest: { kind: linux, bootTime: 1s, image: ${image}, pageHints: true, readahead: 0 }
    workload: { kind: phased, offset: 256, compute: 50us, phases: [${phases}] }`;

/**
 * Two clones of one image — a reader, and a writer that after a minute rewrites a fifth of what it reads,
 * breaking shares — and a VM of an image of its own (the loner, which shares nothing), on 96 MiB with equal
 * shares and no idle tax, each ballooned to its target at every rebalance (`to-target`): targets of about
 * 23 MiB against working sets of 28. A fourth VM idles on its share, so free memory never runs out and the
 * host's emergency pager never runs. Guests hint their clean cache volatile (CMM2), which Satori's
 * repayment needs.
 */
export const sharingIsolationScenario = (sharing: string) => `
seed: 1
duration: 3min
host: { memory: 96MiB, swap: 256MiB, metricInterval: 1s }
policies:
  allocation: { kind: idle-tax, tau: 0 }
  reclamation: to-target
  mechanisms: [balloon, host-swap]
  rebalance: 1s
  shareScan: 1s
  shareBudget: 2000${sharing === 'off' ? '' : `\n  sharing: ${sharing}`}
vms:${vm('reader', 'base', READ)}${vm('writer', 'base', WRITE_AFTER_A_MINUTE)}${vm('loner', 'other', READ)}
  - { name: idle, memory: 32MiB, guest: { kind: linux, bootTime: 1s, image: spare }, workload: idle }`;

const SETUPS = [
  { label: 'sharing off', sharing: 'off' },
  { label: 'Satori', sharing: 'satori' },
  { label: 'content-based scanning', sharing: 'content-based' },
] as const;

interface Outcome {
  /** When the metrics were sampled, seconds of host time. */
  readonly times: readonly number[];
  /** The loner's memory (pages) and page-cache misses (disk reads) at each metric sample. */
  readonly lonerMemory: readonly number[];
  readonly lonerMisses: readonly number[];
  /** The clones' page-cache misses and resident memory (pages) at the end. */
  readonly cloneMisses: number;
  readonly cloneMemory: number;
  /** The most the reader's resident pages fell short of its target once the writer wrote. */
  readonly readerShortfall: number;
  readonly free: number;
  /** Pages the clones repaid (Satori). */
  readonly repaid: number;
}

async function run(sharing: string, seed: number | undefined): Promise<Outcome> {
  const { host: config, duration } = await parseScenario(
    sharingIsolationScenario(sharing),
    'sharing-isolation',
  );
  const host = hostOn(config, seed);
  host.run(duration);
  const table = host.metrics();
  const values = (vm: string | undefined, name: string) => seriesValues(table, name, vm);
  const end = (vm: string, name: string) => values(vm, name).at(-1)!;
  // Resident pages: what a VM is charged (`allocated`) plus the whole pages of credit deducted from it (a
  // series recorded only when the engine credits sharers).
  const resident = (vm: string) => {
    const credit = host.sharing && creditsSharers(host.sharing) ? values(vm, 'credit') : [];
    return values(vm, 'allocated').map((a, i) => a + Math.floor(credit[i] ?? 0));
  };
  const target = values('reader', 'target');
  const writing = table.times.findIndex((t) => t >= 61e9);
  const free = values(undefined, 'free');
  return {
    times: Array.from(table.times, (t) => t / 1e9),
    lonerMemory: values('loner', 'allocated'),
    lonerMisses: values('loner', 'disk-reads'),
    cloneMisses: end('reader', 'disk-reads') + end('writer', 'disk-reads'),
    cloneMemory: resident('reader').at(-1)! + resident('writer').at(-1)!,
    readerShortfall: Math.max(
      ...resident('reader')
        .slice(writing)
        .map((r, i) => target[writing + i]! - r),
    ),
    free: mean(free),
    repaid: (host.sharing as { repaid?: number } | undefined)?.repaid ?? 0,
  };
}

/** Largest difference between two series sample by sample. */
const maxDifference = (a: readonly number[], b: readonly number[]) =>
  Math.max(a.length === b.length ? 0 : Number.POSITIVE_INFINITY, ...a.map((x, i) => Math.abs(x - b[i]!)));

export const sharingIsolation: Experiment = {
  name: 'sharing-isolation',
  title:
    'Isolation: a VM that shares nothing keeps exactly its memory and miss rate when the others share (Satori credits the sharers)',
  async run({ seed } = {}) {
    const outcomes: Outcome[] = [];
    for (const setup of SETUPS) outcomes.push(await run(setup.sharing, seed));
    const [off, satori, scanning] = outcomes as [Outcome, Outcome, Outcome];
    return {
      figures: [
        below(
          'loner’s memory, Satori against sharing off (largest difference)',
          'pages',
          0,
          maxDifference(satori.lonerMemory, off.lonerMemory),
        ),
        below(
          'loner’s page-cache misses, Satori against sharing off (largest difference)',
          'reads',
          0,
          maxDifference(satori.lonerMisses, off.lonerMisses),
        ),
        below(
          'loner’s memory, scanning against sharing off (largest difference)',
          'pages',
          0,
          maxDifference(scanning.lonerMemory, off.lonerMemory),
        ),
        below(
          'loner’s page-cache misses, scanning against sharing off (largest difference)',
          'reads',
          0,
          maxDifference(scanning.lonerMisses, off.lonerMisses),
        ),
        below(
          'reader’s memory below its target while the writer breaks shares (most)',
          'pages',
          0,
          satori.readerShortfall,
        ),
        above(
          'clones’ page-cache misses Satori saves (shared reads, surplus kept as cache)',
          '%',
          0,
          100 * (1 - satori.cloneMisses / off.cloneMisses),
        ),
      ],
      measurements: SETUPS.map((setup, i) => {
        const o = outcomes[i]!;
        return {
          setup: setup.label,
          'loner MiB (end)': Number((o.lonerMemory.at(-1)! / 256).toFixed(2)),
          'loner misses': o.lonerMisses.at(-1)!,
          'clones resident MiB (end)': Number((o.cloneMemory / 256).toFixed(2)),
          'clones misses': o.cloneMisses,
          'free MiB (mean)': Number((o.free / 256).toFixed(2)),
          'pages repaid': o.repaid,
        };
      }),
      // Isolation shows as one line: the loner's memory is the same whatever the others share.
      ...comparison(
        SETUPS.map((setup, i) => ({
          label: `loner, ${setup.label} (simulated)`,
          kind: 'simulated' as const,
          points: outcomes[i]!.times.map((x, k) => ({ x, y: outcomes[i]!.lonerMemory[k]! / 256 })),
        })),
        {
          title: 'Isolation: the memory of the VM that shares nothing, as the others share or not',
          xTitle: 's',
          yTitle: 'MiB',
        },
      ),
    };
  },
};
