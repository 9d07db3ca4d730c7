/**
 * Fuzzing scenario documents: valid ones mutated (a field dropped, a key misspelt, a value of another type,
 * numbers out of range, unknown kinds, random sizes and durations), and random YAML. Whatever the text,
 * parseScenario resolves or rejects with a ScenarioError whose every issue names a path; and what it accepts
 * runs (validate = run). FUZZ_RUNS sets the cases per property (`pnpm fuzz`).
 */
import { createHost } from '@hvsim/host';
import { HvsimError, parsePages, time } from '@hvsim/spec';
import { fuzzRuns, fuzzTimeout } from '@hvsim/spec/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type LoadedScenario, parseScenario } from './load';
import { ScenarioError } from './scenario-error';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const VM = (name: string, extra: Record<string, Json> = {}): Record<string, Json> => ({
  name,
  memory: '4MiB',
  guest: { kind: 'linux', bootTime: '5ms' },
  workload: { kind: 'zipf', pages: 0.8 },
  ...extra,
});

/** Valid documents to start from, each using a different part of the format. */
const VALID: readonly Json[] = [
  {
    name: 'two VMs',
    seed: 3,
    duration: '60ms',
    host: { memory: '6MiB', swap: '16MiB', quantum: '1ms', metricInterval: '10ms' },
    vms: [
      VM('a'),
      VM('b', { guest: { kind: 'windows', bootTime: '5ms' }, workload: { kind: 'uniform', pages: 0.5 } }),
    ],
  },
  {
    duration: '50ms',
    host: { memory: '16MiB', swap: '16MiB', reserved: '1MiB', quantum: '2ms', costs: { swapIn: 5000000 } },
    policies: {
      stack: 'esx',
      sharing: { kind: 'content-based', salting: 'none' },
      rebalance: '10ms',
      shareScan: '5ms',
      shareBudget: 64,
    },
    vms: [
      VM('web', { count: 2, min: '1MiB', shares: 'high', overhead: '256KiB', shareDomain: 'tenant-a' }),
      VM('db', { shares: 30, workload: { kind: 'buffer-pool', pages: 0.5 } }),
    ],
  },
  {
    duration: '40ms',
    host: { memory: '12MiB', swap: '8MiB', quantum: '1ms' },
    policies: {
      allocation: { kind: 'idle-tax', tau: 0.5 },
      reclamation: 'to-target',
      mechanisms: ['balloon'],
    },
    vms: [
      VM('watched', {
        detector: { kind: 'sampling', samples: 50, period: '10ms' },
        observers: ['oracle', { kind: 'access-bits', interval: '5ms' }, 'damon', 'lru-statistics'],
      }),
      VM('idler', { workload: { kind: 'idle', pages: 0.2 } }),
    ],
  },
  {
    duration: '50ms',
    host: { memory: '8MiB', swap: '8MiB', quantum: '1ms', metricInterval: '10ms' },
    vms: [
      VM('desktop', {
        count: 2,
        guest: { kind: 'windows', bootTime: '5ms' },
        workload: 'idle',
        powerOff: '30ms',
      }),
      VM('batch', { powerOn: '20ms', workload: { kind: 'sequential', pages: 0.5 }, expectRefusal: false }),
    ],
    checks: { invariants: true },
  },
];

/** Every place in a document a mutation can act on: the path to an object or array, and a key in it. */
function places(
  doc: Json,
  path: (string | number)[] = [],
): { path: (string | number)[]; key: string | number }[] {
  if (doc === null || typeof doc !== 'object') return [];
  const keys: (string | number)[] = Array.isArray(doc) ? doc.map((_, i) => i) : Object.keys(doc);
  return keys.flatMap((key) => [
    { path, key },
    ...places((doc as Record<string | number, Json>)[key] as Json, [...path, key]),
  ]);
}

const at = (doc: Json, path: (string | number)[]): Record<string | number, Json> =>
  path.reduce((node, key) => (node as Record<string | number, Json>)[key] as Json, doc) as Record<
    string | number,
    Json
  >;

/** Numbers a field does not expect: below 0, 0, fractions, huge, and strings that are not numbers. */
const badNumber: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(-1, 0, 0.5, -0.25, 1e99, -1e99, 2 ** 53, 2 ** 31, 'NaN', 'Infinity', '-0', '1e99'),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

/** Sizes and durations a user might type, right and wrong. */
const unitText: fc.Arbitrary<Json> = fc.oneof(
  fc
    .tuple(
      fc.oneof(fc.integer({ min: -5, max: 5000 }), fc.constantFrom(0.5, 1e99, 1.5, -0)),
      fc.constantFrom(
        '',
        ' ',
        'B',
        'KiB',
        'MiB',
        'GiB',
        'TiB',
        'kb',
        'mb',
        'ns',
        'us',
        'ms',
        's',
        'm',
        'h',
        'x',
      ),
    )
    .map(([n, unit]) => `${n}${unit}`),
  fc.constantFrom('', ' ', 'soon', 'lots', '∞', '4 MiB', '4MiB4MiB', '0x10', '1_000', '.5s', 'MiB'),
  fc.string({ maxLength: 8 }),
);

const anyValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, [], {}, '', 'linux', 'zipf', 'esx', 'oracle'),
  fc.string({ maxLength: 10 }),
  badNumber,
  unitText,
  fc.array(fc.oneof(fc.string({ maxLength: 4 }), fc.integer()), { maxLength: 3 }),
  fc.dictionary(
    fc.constantFrom('kind', 'pages', 'name', 'memory', 'x'),
    fc.oneof(fc.string(), fc.integer()),
    {
      maxKeys: 3,
    },
  ),
);

/** Kinds of another slot, none at all, or made up. */
const kindName: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom(
    'linux',
    'windows',
    'zipf',
    'trace',
    'oracle',
    'esx',
    'balloon',
    'ksm',
    'satori',
    'idle-tax',
    'meb',
  ),
  fc.constantFrom('', 'Linux', 'zipf ', 'nonsense', 'content_based'),
  fc.string({ maxLength: 8 }),
);

/** A misspelling of a key: a letter dropped, doubled or swapped, another case, or a key of its own. */
const typo = (key: string, how: number): string => {
  const i = how % Math.max(key.length, 1);
  switch (how % 5) {
    case 0:
      return key.slice(0, i) + key.slice(i + 1);
    case 1:
      return key.slice(0, i) + key[i] + key.slice(i);
    case 2:
      return key.slice(0, i) + (key[i + 1] ?? '') + (key[i] ?? '') + key.slice(i + 2);
    case 3:
      return key.toUpperCase();
    default:
      return `${key}s`;
  }
};

type Mutation = (doc: Json, where: number) => void;

/** Applies `change` to the `where`-th place of the document (modulo the places it has). */
const atPlace =
  (change: (parent: Record<string | number, Json>, key: string | number) => void): Mutation =>
  (doc, where) => {
    const all = places(doc);
    if (all.length === 0) return;
    const place = all[where % all.length]!;
    change(at(doc, place.path), place.key);
  };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant(
    atPlace((parent, key) => {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
    }),
  ),
  fc.nat().map((how) =>
    atPlace((parent, key) => {
      if (Array.isArray(parent)) return;
      parent[typo(String(key), how)] = parent[key]!;
      delete parent[key];
    }),
  ),
  ...[anyValue, badNumber, unitText, kindName].map((values) =>
    values.map((value) =>
      atPlace((parent, key) => {
        parent[key] = structuredClone(value);
      }),
    ),
  ),
  // A key the format does not have, or an array's element twice (two VMs of one name, say).
  fc
    .tuple(fc.constantFrom('colour', 'kind', 'count', 'pages', '__proto__', 'constructor'), anyValue)
    .map(([extra, value]) =>
      atPlace((parent, key) => {
        if (Array.isArray(parent)) parent.push(structuredClone(parent[key as number]!));
        else
          Object.defineProperty(parent, extra, {
            value,
            enumerable: true,
            writable: true,
            configurable: true,
          });
      }),
    ),
);

/** Values a field may well take: sizes, durations, kinds of every slot, flags and counts. */
const plausibleValue: fc.Arbitrary<Json> = fc.constantFrom<Json>(
  '1MiB',
  '512KiB',
  '2MiB',
  64,
  0.25,
  0.9,
  '1ms',
  '3ms',
  '15ms',
  2000000,
  'linux',
  'windows',
  'idle',
  'uniform',
  'sequential',
  'growing-heap',
  'oracle',
  'sampling',
  'damon',
  'balloon',
  'host-swap',
  'compression',
  'esx',
  'to-target',
  'ksm',
  'transparent',
  true,
  false,
  1,
  2,
  3,
);

/** A value replaced by a plausible one, or a field dropped: changes that often leave a document valid. */
const plausibleMutation: fc.Arbitrary<Mutation> = fc.oneof(
  plausibleValue.map((value) =>
    atPlace((parent, key) => {
      parent[key] = value;
    }),
  ),
  fc.constant(
    atPlace((parent, key) => {
      if (!Array.isArray(parent)) delete parent[key];
    }),
  ),
);

/** A valid document changed one to four times, as YAML or JSON text. */
const changedDocument = (change: fc.Arbitrary<Mutation>): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.constantFrom(...VALID),
      fc.array(fc.tuple(change, fc.nat()), { minLength: 1, maxLength: 4 }),
      fc.boolean(),
    )
    .map(([valid, mutations, json]) => {
      const doc = structuredClone(valid);
      for (const [mutate, where] of mutations) mutate(doc, where);
      return json ? JSON.stringify(doc) : stringify(doc);
    });

const mutatedDocument = changedDocument(mutation);

/** Documents that validate often enough to hold the run to them: mostly plausible changes. */
const runnableDocument = changedDocument(
  fc.oneof({ weight: 3, arbitrary: plausibleMutation }, { weight: 1, arbitrary: mutation }),
);

/** YAML's own syntax in random order: anchors, aliases, merge keys, tags, flow and block collections. */
const yamlish: fc.Arbitrary<string> = fc
  .array(
    fc.constantFrom(
      'vms:',
      'host:',
      'memory: 4MiB',
      'duration: 1ms',
      '- ',
      '  ',
      '\n',
      '\t',
      '&a ',
      '*a',
      '*b',
      '<<: *a',
      '!!int ',
      '!!binary ',
      '!!map ',
      '!custom ',
      '{',
      '}',
      '[',
      ']',
      ':',
      ',',
      '? ',
      '|',
      '>-',
      '"',
      "'",
      '#',
      '---\n',
      '...\n',
      '%YAML 1.2\n',
      'name: a',
      'workload: idle',
      '~',
      '0x1F',
      '.nan',
      '1e99',
      '\u0000',
      '\uFEFF',
    ),
    { maxLength: 30 },
  )
  .map((tokens) => tokens.join(''));

const randomText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ maxLength: 40, unit: 'binary' }),
  yamlish,
  fc.anything({ maxDepth: 3 }).map((value) => stringify(value) ?? ''),
  fc.object({ maxDepth: 3 }).map((value) => stringify(value)),
);

/** parseScenario's outcome, held to the property: a scenario, or a ScenarioError naming every issue's path. */
async function parseOrIssues(text: string): Promise<LoadedScenario | undefined> {
  try {
    return await parseScenario(text, 'fuzz.yaml');
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    expect(error.issues.length).toBeGreaterThan(0);
    for (const issue of error.issues) {
      expect(issue.path, error.message).not.toBe('');
      expect(issue.message.trim(), error.message).not.toBe('');
    }
    return undefined;
  }
}

/**
 * Hosts small enough to run in a test: 64 MiB of frames, of swap, and of VMs' memory in all, and as many pages
 * examined by a share scan.
 */
const SMALL = parsePages('64MiB');

/** Whether any number in `value`, however deep, is above `limit`. */
const above = (value: unknown, limit: number): boolean =>
  typeof value === 'number'
    ? value > limit
    : typeof value === 'object' && value !== null && Object.values(value).some((v) => above(v, limit));

/**
 * Whether a host is small enough to run here. Workload options count too: a working set of 10^15 pages
 * validates (a workload's sizes are not checked against its guest's address space before the run) and then
 * cannot even be allocated — a known gap, left out here so that this property finds the next one. So does the
 * share budget: a sharing engine examines that many pages a scan however few the host has, and the budget has
 * no ceiling (2 000 000, which validates, makes each scan take a third of a second).
 */
const small = ({ host }: LoadedScenario): boolean =>
  host.frames <= SMALL &&
  (host.swapPages ?? 0) <= SMALL &&
  host.vms.reduce((sum, vm) => sum + vm.pages, 0) <= SMALL &&
  (host.periods?.shareBudget ?? 0) <= SMALL &&
  !host.vms.some((vm) => above(vm.workload.options, SMALL));

/**
 * At most this much host time is run: enough to boot, fault, reclaim and rebalance a little. Every period a
 * host repeats has a floor (a quantum of 1 µs; samples, rebalances, share scans and detectors' periods 1 ms),
 * and whatever a guest or a workload does takes simulated time, so a case costs what its document asks.
 */
const RUN_FOR = time.ms(20);

const runs = fuzzRuns(150);

describe('scenario documents, fuzzed', () => {
  it(
    'a mutated valid document is accepted, or refused with every issue named by its path',
    async () => {
      await fc.assert(
        fc.asyncProperty(mutatedDocument, async (text) => void (await parseOrIssues(text))),
        {
          numRuns: runs,
        },
      );
    },
    fuzzTimeout(runs, 20),
  );

  it(
    'random YAML is accepted, or refused with every issue named by its path',
    async () => {
      await fc.assert(
        fc.asyncProperty(randomText, async (text) => void (await parseOrIssues(text))),
        {
          numRuns: runs,
        },
      );
    },
    fuzzTimeout(runs, 20),
  );

  it(
    'what validates runs: a small host built from an accepted document runs, or names the mistake',
    async () => {
      let ran = 0;
      await fc.assert(
        fc.asyncProperty(runnableDocument, async (text) => {
          const loaded = await parseOrIssues(text);
          if (loaded === undefined || !small(loaded)) return;
          try {
            createHost(loaded.host).run(Math.min(loaded.duration, RUN_FOR));
            ran++;
          } catch (error) {
            // A mistake the run names (a workload's page outside its guest's address space) is an
            // HvsimError: told as a user's mistake, not a bug, though validation ideally finds it first.
            if (!(error instanceof HvsimError)) throw error;
          }
        }),
        { numRuns: runs },
      );
      // Most mutations break the document; some must survive, or this property would test nothing.
      expect(ran).toBeGreaterThan(0);
    },
    fuzzTimeout(runs, 200),
  );
});
