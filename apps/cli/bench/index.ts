/**
 * The scale suite (issue: datacenter scale): the repository's two datacenter scenarios at full fidelity and
 * as miniatures, each run in a child process so its peak resident memory is measured alone — the speed
 * ratio (simulated seconds per wall second), guest ops per wall second and peak RSS; and the big host's ops
 * per second against the small-VM end-to-end figure measured in the same sitting, beside the ceiling its
 * unavoidable memory accesses put on that ratio (access-bound.ts).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type Figure, report } from '@hvsim/bench-kit';

interface ScaleRun {
  readonly simulatedSeconds: number;
  readonly wallSeconds: number;
  readonly ops: number;
  readonly peakRssBytes: number;
}

const scenario = (name: string) => fileURLToPath(new URL(`../../../scenarios/${name}.yaml`, import.meta.url));

/** What a script run in a process of its own (with this one's loader flags) prints, as JSON. */
const childJson = <T>(script: URL, args: readonly string[] = []): T =>
  JSON.parse(
    execFileSync(process.execPath, [...process.execArgv, fileURLToPath(script), ...args], {
      encoding: 'utf8',
    }),
  ) as T;

const timedRun = (name: string, scale: number, duration: string): ScaleRun =>
  childJson(new URL('./scale-run.ts', import.meta.url), [scenario(name), String(scale), duration]);

const GiB = 2 ** 30;

/** The figures of one run: its speed ratio against a target, its ops per second, its peak RSS. */
function figures(
  label: string,
  run: ScaleRun,
  targets: { readonly ratio?: number; readonly rssGiB?: number; readonly wallSeconds?: number },
): Figure[] {
  const what = `${run.simulatedSeconds} simulated s in ${run.wallSeconds.toFixed(1)} wall s`;
  return [
    {
      name: `${label}: speed ratio`,
      unit: '× real time',
      value: run.simulatedSeconds / run.wallSeconds,
      ...(targets.ratio === undefined ? {} : { target: targets.ratio }),
      better: 'higher',
      note: what,
    },
    ...(targets.wallSeconds === undefined
      ? []
      : [
          {
            name: `${label}: wall time`,
            unit: 's',
            value: run.wallSeconds,
            target: targets.wallSeconds,
            better: 'lower' as const,
            note: what,
          },
        ]),
    {
      name: `${label}: guest ops`,
      unit: 'ops/s',
      value: run.ops / run.wallSeconds,
      better: 'higher',
      note: `${run.ops} guest ops (scaled back), ${what}`,
    },
    {
      name: `${label}: peak RSS`,
      unit: 'GiB',
      value: run.peakRssBytes / GiB,
      ...(targets.rssGiB === undefined ? {} : { target: targets.rssGiB }),
      better: 'lower',
      note: 'peak resident memory of the process that built and ran the host',
    },
  ];
}

// The host suite's end-to-end run, measured again here: the ratio is only fair within one sitting.
const smallVm = childJson<{ median: number }>(
  new URL('../../../packages/host/bench/end-to-end.ts', import.meta.url),
);
const bound = childJson<{ opsPerSecond: number }>(new URL('./access-bound.ts', import.meta.url));
const full64 = timedRun('datacenter-64g', 1, '10s');
const mini64 = timedRun('datacenter-64g', 64, '1h');
const mini1t = timedRun('datacenter-1t', 256, '10min');
const full1t = timedRun('datacenter-1t', 1, '10s');

report('scale', [
  {
    name: 'datacenter-64g at full fidelity: guest ops against the small-VM end-to-end figure',
    unit: '×',
    value: full64.ops / full64.wallSeconds / smallVm.median,
    target: 0.8,
    better: 'higher',
    note: `${(full64.ops / full64.wallSeconds / 1e6).toFixed(2)} M ops/s over 10 simulated s, against ${(smallVm.median / 1e6).toFixed(2)} M ops/s end to end (median of 5 runs, same sitting)`,
  },
  {
    name: "datacenter-64g's web ops reduced to their unavoidable memory accesses, against the same figure",
    unit: '×',
    value: bound.opsPerSecond / smallVm.median,
    better: 'higher',
    note: `${(bound.opsPerSecond / 1e6).toFixed(2)} M ops/s (access-bound.ts): a ceiling for any implementation that gives the same results`,
  },
  ...figures('datacenter-64g, full fidelity, 10 s', full64, {}),
  ...figures('datacenter-64g at R = 64, 1 h', mini64, { ratio: 30, wallSeconds: 120 }),
  ...figures('datacenter-1t at R = 256, 10 min', mini1t, { wallSeconds: 300, rssGiB: 4 }),
  ...figures('datacenter-1t, full fidelity, 10 s', full1t, { rssGiB: 12 }),
]);
