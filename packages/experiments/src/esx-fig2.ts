import { parseScenario } from '@hvsim/scenario';
import { parsePages, time } from '@hvsim/spec';
import { above, comparison, type Experiment, figure, hostOn } from './experiment';

/**
 * ESX Figure 2 (esx-osdi02 §2.2): a Linux VM configured at 128–256 MB against a 256 MB VM ballooned down to
 * the same size, both running a dbench-like file server. The ballooned VM is slightly slower because its
 * kernel sizes itself by the configured 256 MB: Linux 2.4 pins about 1.6% of memory in its page structures,
 * keeps about 2.3% free (kswapd's high watermark, 3/128 of memory) and sizes its hash tables by memory — the
 * guest's `kernel` here, 5% of the configured memory ([I]: the reference suggests a few percent; 5% puts the
 * drop at 128 MB where the paper measured it). The file server reads and writes 6000 files of 256 KiB under
 * Zipf popularity (α = 1.8) with a short compute after each request, so throughput rises with memory and
 * flattens toward 256 MB. Each point is one run, measured over five simulated minutes after a minute of
 * warm-up (the paper: the mean of three runs). Seeds 1–4 all pass, but the simulated curve is only just
 * concave: the gain of a 32 MB step falls by 0.000–0.007 of the 256 MB throughput from one step to the
 * next, where the paper's falls by 0.02–0.04.
 */
export const esxFig2Scenario = (mib: number) => `
name: ESX Figure 2 — ${mib} MiB
seed: 1
duration: 6min
host: { memory: 512MiB, swap: 1GiB, metricInterval: 10s }
vms:
  - name: vm
    memory: ${mib}MiB
    guest: { kind: linux, kernel: 0.05, disk: 4GiB }
    workload:
      kind: file-server
      files: 6000
      fileSize: 256KiB
      alpha: 1.8
      think: 0.035ms
      anonPages: 4MiB
`;

const SIZES = [128, 160, 192, 224] as const;
/** The sizes the tolerances name; the paper's other two bars cost as much again. */
const BALLOONED = [128, 224] as const;
/** When the balloon is set (the guest has booted), and when measuring starts (the cache has warmed). */
const BALLOON_AT = time.s(30);
const WARM = time.s(60);

/** Figure 2's bars [D], MB/s: configured, and 256 MB ballooned to the size. */
const PUBLISHED: Record<number, readonly [number, number]> = {
  128: [11.47, 10.96],
  160: [13.7, 13.46],
  192: [15.63, 15.29],
  224: [17.04, 16.8],
  256: [17.8, 17.8],
};

/** Memory ops per second after the warm-up, of a VM of `mib` ballooned to `size` MiB (none: not ballooned). */
async function throughput(seed: number | undefined, mib: number, size?: number): Promise<number> {
  const { host: config, duration } = await parseScenario(esxFig2Scenario(mib), 'esx-fig2');
  const host = hostOn(config, seed);
  host.run(BALLOON_AT);
  if (size !== undefined) host.guest('vm')!.balloon!.setTarget(parsePages(`${mib - size}MiB`));
  host.run(WARM);
  const before = host.stats().ops;
  host.run(duration);
  return (host.stats().ops - before) / ((duration - WARM) / 1e9);
}

export const esxFig2: Experiment = {
  name: 'esx-fig2',
  title: 'ESX Figure 2: a ballooned VM runs almost as fast as one configured at its size',
  async run({ seed } = {}) {
    const full = await throughput(seed, 256);
    const configured = [...(await Promise.all(SIZES.map((size) => throughput(seed, size)))), full];
    const ballooned = await Promise.all(BALLOONED.map((size) => throughput(seed, 256, size)));
    const sizes = [...SIZES, 256];
    // Concave: each 32 MiB step gains less than the step before.
    const gains = configured.slice(1).map((t, i) => (t - configured[i]!) / full);
    const decreases = gains.slice(1).map((g, i) => gains[i]! - g);
    const figures = [
      ...BALLOONED.map((size, i) =>
        figure(
          `ballooned / configured throughput at ${size} MiB`,
          'ratio',
          PUBLISHED[size]![1] / PUBLISHED[size]![0],
          ballooned[i]! / configured[SIZES.indexOf(size)]!,
          0.015,
        ),
      ),
      ...SIZES.map((size, i) =>
        figure(
          `configured ${size} MiB throughput over 256 MiB`,
          'ratio',
          PUBLISHED[size]![0] / PUBLISHED[256]![0],
          configured[i]! / full,
          0.05,
        ),
      ),
      above(
        'least decrease of the gain from one 32 MiB step to the next (concave: above 0)',
        'share of 256 MiB',
        0,
        Math.min(...decreases),
      ),
    ];
    const relative = (xs: readonly number[], ys: readonly number[], scale: number) =>
      xs.map((x, i) => ({ x, y: ys[i]! / scale }));
    const published = (bar: 0 | 1) => sizes.map((s) => PUBLISHED[s]![bar]);
    const publishedFull = PUBLISHED[256]![0];
    const compared = comparison(
      [
        { label: 'configured (simulated)', kind: 'simulated', points: relative(sizes, configured, full) },
        {
          label: 'ballooned (simulated)',
          kind: 'simulated',
          points: relative([...BALLOONED, 256], [...ballooned, full], full),
        },
        {
          label: 'configured (published)',
          kind: 'published',
          points: relative(sizes, published(0), publishedFull),
        },
        {
          label: 'ballooned (published)',
          kind: 'published',
          points: relative(sizes, published(1), publishedFull),
        },
      ],
      {
        title: 'ESX Figure 2: throughput of a ballooned and a configured VM, relative to 256 MB',
        xTitle: 'VM size (MiB)',
        yTitle: 'throughput / throughput at 256 MiB',
      },
    );
    return { figures, ...compared };
  },
};
