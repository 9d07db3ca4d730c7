import { createMachine } from '@hvsim/machine';
import { type ContentBasedOptions, type ContentBasedSharing, contentBased } from '@hvsim/sharing';
import { createRandom, type VmId } from '@hvsim/spec';
import { above, comparison, type Experiment, figure } from './experiment';

/** Candidate pages the attacker tries: it learns which one the victim holds. */
const CANDIDATES = 16;
/** Pages of the victim: the secret at a random place among pages of its own. */
const VICTIM_PAGES = 32;
const TRIALS = 1_000;
/** Scans the attacker waits for, each of twice the host's pages: a page escapes all of them with p ≈ e⁻⁸. */
const SCANS = 8;

interface Setup {
  readonly label: string;
  readonly salting: ContentBasedOptions['salting'];
  /** The trust domains of the victim and the attacker. */
  readonly domains: readonly [string, string];
}

const SETUPS: readonly Setup[] = [
  { label: 'no salting', salting: 'none', domains: ['victim', 'attacker'] },
  { label: 'salting per VM', salting: 'vm', domains: ['victim', 'victim'] },
  { label: 'salting by domain', salting: 'domains', domains: ['victim', 'attacker'] },
  { label: 'salting, attacker in the victim’s domain', salting: 'domains', domains: ['victim', 'victim'] },
];

/**
 * One trial of the copy-on-write timing attack on content-based sharing: the victim holds one of the
 * candidate pages; the attacker writes every candidate into a page of its own, waits for the sharing
 * scanner, then writes each page again and times the write on its own clock. The page that merged with
 * the victim's takes a copy-on-write fault (`cowBreak`, 5 µs against 0.1 µs for a plain write), so the
 * slowest write names the secret; ties — when nothing merged — are broken at random. True when it guessed right.
 */
function trial(setup: Setup, seed: number): boolean {
  const random = createRandom(seed);
  const machine = createMachine({ frames: 2 * (VICTIM_PAGES + CANDIDATES) });
  const victim = machine.addVm({ pages: VICTIM_PAGES });
  const attacker = machine.addVm({ pages: CANDIDATES });
  const domainOf = (vm: VmId) => setup.domains[vm === victim ? 0 : 1];
  const engine = contentBased.create(
    { salting: setup.salting },
    { random: random.split('scanner'), emit: () => {} },
  ) as ContentBasedSharing;
  engine.attach({ machine, remap: machine, domainOf });
  const candidate = (k: number) => 1_000 + k;
  const secret = random.nextInt(CANDIDATES);
  const place = random.nextInt(VICTIM_PAGES);
  for (let ppn = 0; ppn < VICTIM_PAGES; ppn++)
    machine.write(victim, ppn, ppn === place ? candidate(secret) : 2_000 + ppn);
  for (let k = 0; k < CANDIDATES; k++) machine.write(attacker, k, candidate(k));
  for (let n = 0; n < SCANS; n++) engine.scan(2 * (VICTIM_PAGES + CANDIDATES));
  let slowest: number[] = [];
  let worst = -1;
  for (let k = 0; k < CANDIDATES; k++) {
    const before = machine.vmTime(attacker);
    machine.write(attacker, k, 3_000 + k);
    const took = machine.vmTime(attacker) - before;
    if (took > worst) [worst, slowest] = [took, []];
    if (took === worst) slowest.push(k);
  }
  return slowest[random.nextInt(slowest.length)] === secret;
}

/** Share of trials (seeds first…first + TRIALS − 1) in which the attacker named the victim's page. */
const accuracy = (setup: Setup, first = 1) => {
  let right = 0;
  for (let seed = first; seed < first + TRIALS; seed++) if (trial(setup, seed)) right++;
  return right / TRIALS;
};

/** Chance, 1/K, and 3 binomial standard deviations of the accuracy of TRIALS blind guesses: 6.25% ± 2.3 points. */
const CHANCE = 1 / CANDIDATES;
const TOLERANCE = Number((3 * Math.sqrt((CHANCE * (1 - CHANCE)) / TRIALS)).toFixed(4));

export const sharingSideChannel: Experiment = {
  name: 'sharing-side-channel',
  title:
    'Sharing side channel: an attacker times copy-on-write faults to learn a victim’s page; salting brings it to chance',
  async run({ seed } = {}) {
    const results = SETUPS.map((setup) => ({ setup, accuracy: accuracy(setup, seed) }));
    const percent = (p: number) => Number((100 * p).toFixed(2));
    const [none, vm, domains] = results.map((r) => percent(r.accuracy)) as [number, number, number];
    return {
      figures: [
        above('attack accuracy, no salting (above chance + 3σ)', '%', percent(CHANCE + TOLERANCE), none),
        figure('attack accuracy, salting per VM (chance)', '%', percent(CHANCE), vm, percent(TOLERANCE)),
        figure(
          'attack accuracy, salting by domain (chance)',
          '%',
          percent(CHANCE),
          domains,
          percent(TOLERANCE),
        ),
      ],
      measurements: results.map(({ setup, accuracy }) => ({
        setup: setup.label,
        salting: setup.salting,
        'victim, attacker domains': setup.domains.join(', '),
        trials: TRIALS,
        'accuracy %': Number(percent(accuracy).toFixed(1)),
        'chance %': percent(CHANCE),
      })),
      // Setups on the x axis in the order of the measurements; a salted setup with separate domains is
      // expected at chance.
      ...comparison(
        [
          {
            label: 'attack accuracy (simulated)',
            kind: 'simulated',
            points: results.map((r, i) => ({ x: i + 1, y: percent(r.accuracy) })),
          },
          {
            label: 'chance (expected with salting)',
            kind: 'published',
            points: [2, 3].map((x) => ({ x, y: percent(CHANCE) })),
          },
        ],
        {
          title: 'Sharing side channel: how often the attacker names the victim’s page',
          xTitle: `setup (${SETUPS.map((s, i) => `${i + 1}: ${s.label}`).join('; ')})`,
          yTitle: '% of trials',
        },
      ),
    };
  },
};
