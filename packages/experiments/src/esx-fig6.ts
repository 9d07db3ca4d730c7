import { parseScenario } from '@hvsim/scenario';
import { comparison, type Experiment, figure, hostOn } from './experiment';
import { mean, range, seriesMiB } from './series';

/**
 * ESX Figure 6 (esx-osdi02 §3.6): a Windows VM runs a toucher that touches 50–250 MB on a schedule, beside
 * 10–20 MB of background activity (here 16 MiB touched 400 times a second: about 15 MiB active per period),
 * and ESX's sampling estimator (n = 100 pages per 30 s period, slow and fast averages) follows it: up within
 * a period, down at about 0.75 per period, above the toucher by about the background, and with a spike when
 * the toucher exits and the zero-page thread clears the pages it freed. The VM is 320 MB, as the 3.2 MB
 * steps of the plotted estimates suggest ([I] in the reference). The figures pass on seeds 1–10.
 */
export const FIG6_SCENARIO = `
name: ESX Figure 6 — the toucher under statistical sampling
seed: 6
duration: 45min
host:
  memory: 512MiB
  swap: 512MiB
  metricInterval: 5s
vms:
  - name: win
    memory: 320MiB
    guest: { kind: windows, bootTime: 1s }
    workload:
      kind: toucher
      period: 2s
      background: { pages: 16MiB, rate: 400 }
    detector: sampling
`;

/** The toucher's schedule (reference §3.6): minute the step starts, MiB touched. */
const SCHEDULE: readonly [number, number][] = [
  [0, 0],
  [8.6, 50],
  [10.6, 150],
  [12.6, 200],
  [14.6, 250],
  [17.7, 200],
  [19.6, 100],
  [21.6, 200],
  [23.6, 150],
  [27.6, 0],
  [38.5, 50],
  [40.5, 150],
  [42.5, 200],
  [44.5, 250],
];

/** The plotted estimate (max of fast and slow), digitised [D]: minute, MB. */
const PUBLISHED: readonly [number, number][] = [
  [5, 10],
  [9, 46],
  [10, 67],
  [11, 157],
  [12, 173],
  [13, 211],
  [15, 256],
  [16.5, 285],
  [18, 266],
  [19, 240],
  [20.5, 221],
  [21.5, 166],
  [23, 211],
  [25, 186],
  [27, 170],
  [28, 224],
  [29, 141],
  [30, 83],
  [31, 48],
  [33, 22],
  [36, 10],
  [39, 64],
  [41, 141],
  [43, 214],
  [45, 259],
];

/** Background activity beside the toucher (Figure 6: 10–20 MB). */
const BACKGROUND_MIB = 15;

/**
 * Minutes in which the toucher holds a level it rose to at least a period before: the published estimate
 * sits 6–35 MB above it there (+23, +11, +6, +35 and +11 MB at 12, 13, 15, 16.5 and 23 min; 17 on average).
 */
const HELD_AFTER_RISE: readonly [number, number][] = [
  [11.1, 12.5],
  [13.1, 14.5],
  [15.1, 17.6],
  [22.1, 23.5],
];
const PERIOD_MIN = 0.5;

const touchedAt = (minute: number): number => {
  let touched = 0;
  for (const [at, mib] of SCHEDULE) if (at <= minute) touched = mib;
  return touched;
};

export const esxFig6: Experiment = {
  name: 'esx-fig6',
  title: 'ESX Figure 6: the sampling estimate follows a toucher up fast, down slowly, with the ZPT spike',
  async run({ seed } = {}) {
    const { host: config, duration } = await parseScenario(FIG6_SCENARIO, 'esx-fig6');
    const host = hostOn(config, seed);
    host.run(duration);
    const estimate = seriesMiB(host.metrics(), 'active-estimate', 'win');
    const at = (minute: number) => estimate(minute);

    // Up: one period after each upward step, the estimate against the new amount plus the background.
    const ups = SCHEDULE.filter(
      ([, mib], i) => i > 0 && mib > SCHEDULE[i - 1]![1] && SCHEDULE[i - 1]![1] > 0,
    );
    const rise = mean(ups.map(([minute, mib]) => at(minute + PERIOD_MIN) / (mib + BACKGROUND_MIB)));
    // Down: after the exit and the spike, the excess over the idle level shrinks by a factor per period.
    const idle = mean(range(35, 38.4, 0.25).map(at));
    const decay = range(29.5, 31.5, PERIOD_MIN).map((m) => (at(m + PERIOD_MIN) - idle) / (at(m) - idle));
    // Above the toucher while it holds a level it rose to (after a fall the slow average is still coming
    // down): about the background.
    const overshoot = mean(
      HELD_AFTER_RISE.flatMap(([from, to]) => range(from, to, 0.25)).map((m) => at(m) - touchedAt(m)),
    );
    const spike = Math.max(...range(27.6, 29, 1 / 12).map(at));

    const figures = [
      figure(
        'estimate one period after an upward step, as a share of touched + background',
        'ratio',
        1,
        rise,
        0.1,
      ),
      figure(
        'decay of the excess over the idle level per period, after the spike',
        'ratio',
        0.75,
        geometricMean(decay),
        0.07,
      ),
      figure('estimate above the toucher while it holds a level it rose to', 'MiB', 17, overshoot, 10),
      figure('peak of the zero-page-thread spike after the toucher exits', 'MiB', 224, spike, 40),
    ];
    const minutes = range(0, 45, 1 / 12);
    const compared = comparison(
      [
        {
          label: 'toucher (schedule)',
          kind: 'simulated',
          points: minutes.map((m) => ({ x: m, y: touchedAt(m) })),
        },
        {
          label: 'estimate (simulated)',
          kind: 'simulated',
          points: minutes.map((m) => ({ x: m, y: at(m) })),
        },
        { label: 'estimate (published)', kind: 'published', points: PUBLISHED.map(([x, y]) => ({ x, y })) },
      ],
      { title: 'ESX Figure 6: active memory sampling', xTitle: 'time (min)', yTitle: 'MiB' },
    );
    return { figures, ...compared };
  },
};

const geometricMean = (values: readonly number[]) =>
  Math.exp(mean(values.map((v) => Math.log(Math.max(v, 1e-9)))));
