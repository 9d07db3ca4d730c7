import { DEFAULT_COSTS, MIN_COSTS } from '@hvsim/machine';
import {
  atLeast,
  durationOption,
  formatBytes,
  formatTime,
  MAX_PAGES,
  MAX_SCALE,
  MIN_PERIOD,
  optionalDurationOption,
  pagesToBytes,
  parsePages,
  time,
  tooLarge,
} from '@hvsim/spec';
import { z } from 'zod';
import { SCENARIO_CONTRACTS } from './contracts';
import { POLICY_STACKS, type PolicyStackName } from './stacks';

type ScenarioContract = keyof typeof SCENARIO_CONTRACTS;

const SIZE_HELP = 'a size such as "256MiB" or a whole number of pages';

/** An absolute memory size: "4GiB" or pages; `least`, with why, when it must be at least so many pages. */
const size = (description: string, least?: { readonly pages: number; readonly why?: string }) =>
  z
    .union([z.string(), z.number()], { error: `expected ${SIZE_HELP}` })
    .transform((input, ctx): number => {
      if (typeof input === 'number') {
        if (Number.isInteger(input) && input >= 0) return input;
        ctx.issues.push({ code: 'custom', message: `expected ${SIZE_HELP}, got ${input}`, input });
        return z.NEVER;
      }
      try {
        return parsePages(input);
      } catch {
        ctx.issues.push({
          code: 'custom',
          message: `expected ${SIZE_HELP}, got ${JSON.stringify(input)}`,
          input,
        });
        return z.NEVER;
      }
    })
    .refine((pages) => least === undefined || pages >= least.pages, {
      error: (issue) =>
        `expected at least ${least?.pages === 1 ? 'one page' : `${least?.pages} pages`}${least?.why ? ` (${least.why})` : ''}, got ${issue.input}`,
    })
    .refine((pages) => pages <= MAX_PAGES, { error: (issue) => tooLarge(issue.input as number) })
    .describe(`${description} — ${SIZE_HELP}`);

/** The run's length: 0 would simulate nothing. */
const positive = <T extends z.ZodType<number | undefined>>(schema: T) =>
  schema.refine((t) => t === undefined || t > 0, 'expected a duration above 0');

/** Most metric samples a run keeps per series: more would hold gigabytes and plot as noise. */
export const MAX_METRIC_SAMPLES = 1_000_000;

/** The contract each slot of a scenario names a factory of, by the slot's schema (for the JSON Schema). */
const slotContracts = new WeakMap<z.ZodType, string>();

/** The contract a slot schema holds factories of, if it is a slot. */
export const slotContract = (schema: z.ZodType): string | undefined => slotContracts.get(schema);

/**
 * A named factory of `contract`: `zipf`, or `{ kind: zipf, pages: 0.5 }` with the factory's own options
 * beside `kind` (checked against the factory once the registry is known).
 */
const use = (contract: ScenarioContract, description: string) => {
  const schema = z
    .union([z.string().min(1), z.looseObject({ kind: z.string().min(1) })], {
      error: "expected a registered name, or an object with `kind` and that kind's options",
    })
    .transform((input): { kind: string; options: Record<string, unknown> } =>
      typeof input === 'string'
        ? { kind: input, options: {} }
        : (({ kind, ...options }) => ({ kind, options }))(input),
    )
    .describe(description);
  slotContracts.set(schema, SCENARIO_CONTRACTS[contract]);
  return schema;
};

/** Most VMs one entry may stand for: far more than a host runs. */
const MAX_COPIES = 10_000;

export const vmSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected a name of letters, digits, ".", "_" or "-"')
      .describe('unique name of the VM (with `count`, a number is appended)'),
    count: z
      .number()
      .int()
      .min(1)
      // Copies are built one by one before admission could refuse them: 2^31 of them exhaust the heap.
      .max(MAX_COPIES)
      .default(1)
      .describe(`how many identical VMs this entry stands for (at most ${MAX_COPIES})`),
    memory: size("configured memory (the VM's max)", { pages: 1 }),
    min: size('memory the VM is guaranteed').optional(),
    shares: z
      .union([z.enum(['low', 'normal', 'high']), z.number().min(0)])
      .default('normal')
      .describe(
        'proportional-share weight: low, normal or high (5, 10, 20 per MiB of memory, as ESX), or a number; 0 pins the VM at its min',
      ),
    overhead: size('memory the VM costs the hypervisor (frame buffer, monitor)').optional(),
    guest: use('guest', 'the guest OS: linux or windows, with options').prefault('linux'),
    workload: use('workload', 'what runs in the VM: a generator or a trace, with options'),
    detector: use(
      'detector',
      'a demand detector, with options: its estimate is what the allocation policy sees',
    ).optional(),
    observers: z
      .array(use('detector', 'a detector that only watches'))
      .optional()
      .describe(
        'more detectors, recorded as active-estimate:<name> to compare them on one run (oracle: the truth)',
      ),
    shareDomain: z
      .string()
      .min(1)
      .optional()
      .describe(
        'trust domain (salt) the VM shares pages in, when the sharing engine salts by domains; copies of a `count` share it',
      ),
    powerOn: optionalDurationOption('host time the VM powers on (default 0)'),
    powerOff: optionalDurationOption('host time the VM powers off (default never)'),
    expectRefusal: z
      .boolean()
      .optional()
      .describe(
        'admission control is meant to refuse this VM (with `count`, some of its copies): validate and run report the refusal instead of failing',
      ),
  })
  .superRefine((vm, ctx) => {
    if (vm.min !== undefined && vm.min > vm.memory) {
      ctx.addIssue({
        code: 'custom',
        path: ['min'],
        message: `expected at most the VM's memory (${formatBytes(pagesToBytes(vm.memory))}), got ${formatBytes(pagesToBytes(vm.min))}`,
      });
    }
    if (vm.powerOff !== undefined && vm.powerOff <= (vm.powerOn ?? 0)) {
      ctx.addIssue({
        code: 'custom',
        path: ['powerOff'],
        message: `expected a time after powerOn (${formatTime(vm.powerOn ?? 0)}), got ${formatTime(vm.powerOff)}`,
      });
    }
  });

/** What admission control knows of one copy of an entry: its name, reservation and power schedule. */
export const vmReservation = (entry: VmEntry, name: string) => ({
  name,
  pages: entry.memory,
  ...(entry.min === undefined ? {} : { min: entry.min }),
  ...(entry.overhead === undefined ? {} : { overheadPages: entry.overhead }),
  ...(entry.powerOn === undefined ? {} : { powerOn: entry.powerOn }),
  ...(entry.powerOff === undefined ? {} : { powerOff: entry.powerOff }),
});

/** The names of an entry's VMs: its name, or with `count` the name and a number (web1, web2, …). */
export const copyNames = (entry: VmEntry): string[] =>
  entry.count === 1 ? [entry.name] : Array.from({ length: entry.count }, (_, c) => `${entry.name}${c + 1}`);

export const scenarioSchema = z
  .strictObject({
    $schema: z.string().optional().describe('the JSON Schema this file follows (for editors)'),
    name: z.string().optional().describe('a title for reports'),
    description: z.string().optional(),
    seed: z.number().int().default(1).describe('seed of every random stream: same seed, same run'),
    duration: positive(durationOption('host time to simulate', { default: '60s' })),
    scale: z
      .number()
      .int()
      .min(1)
      .max(MAX_SCALE)
      .default(1)
      .describe(
        'simulate a miniature: one page stands for this many, sizes and page rates are divided by it, costs per page multiplied, and every figure is scaled back (1: full size; `run --scale` overrides it)',
      ),
    host: z
      .strictObject({
        memory: size('host memory', { pages: 2, why: 'one holds the zero page' }),
        reserved: size('memory the hypervisor keeps for itself').optional(),
        swap: size('host swap').optional(),
        quantum: atLeast(
          time.us(1),
          optionalDurationOption('host time a VM runs before the next takes its turn (default 10ms)'),
        ),
        metricInterval: atLeast(
          MIN_PERIOD,
          optionalDurationOption('how often metrics are sampled (default 1s)'),
        ),
        costs: z
          .strictObject(
            Object.fromEntries(
              Object.entries(DEFAULT_COSTS).map(([key, value]) => [
                key,
                z
                  .number()
                  .min(
                    MIN_COSTS[key as keyof typeof DEFAULT_COSTS],
                    key === 'access'
                      ? "expected at least 1 ns: an access that takes no time would never move the VM's clock"
                      : undefined,
                  )
                  .optional()
                  .describe(`ns (default ${value})`),
              ]),
            ) as Record<keyof typeof DEFAULT_COSTS, z.ZodOptional<z.ZodNumber>>,
          )
          .optional()
          .describe(
            `cost overrides in ns, e.g. { swapIn: 5000000 }: ${Object.keys(DEFAULT_COSTS).join(', ')}`,
          ),
      })
      .superRefine((host, ctx) => {
        // The machine keeps the zero page and at least one frame besides what the hypervisor reserves.
        if (host.reserved !== undefined && host.reserved > host.memory - 2) {
          ctx.addIssue({
            code: 'custom',
            path: ['reserved'],
            message: `expected at most host memory less 2 pages (${host.memory - 2} pages), got ${host.reserved} pages`,
          });
        }
      }),
    vms: z.array(vmSchema).min(1, 'expected at least one VM'),
    policies: z
      .strictObject({
        stack: z
          .enum(Object.keys(POLICY_STACKS) as [PolicyStackName, ...PolicyStackName[]])
          .optional()
          .describe(
            `a ready-made set of the slots below, each still replaceable: ${Object.entries(POLICY_STACKS)
              .map(([name, stack]) => `${name} (${stack.description})`)
              .join('; ')}`,
          ),
        allocation: use('allocation', 'how targets are set (none: every VM may grow to its max)').optional(),
        reclamation: use(
          'reclamation',
          'when and how memory is taken back (none: only emergency host paging)',
        ).optional(),
        mechanisms: z.array(use('mechanism', 'a reclamation mechanism the plans may name')).optional(),
        sharing: use('sharing', 'a page-sharing engine').optional(),
        rebalance: atLeast(
          MIN_PERIOD,
          optionalDurationOption('how often targets and plans are recomputed (default 15s)'),
        ),
        shareScan: atLeast(
          MIN_PERIOD,
          optionalDurationOption('how often the sharing engine scans (default 1s)'),
        ),
        shareBudget: z
          .number()
          .int()
          .positive()
          .optional()
          .describe('pages the sharing engine examines per scan'),
      })
      .prefault({})
      .describe('allocation, reclamation and sharing, by registered name'),
    plugins: z
      .array(z.string().min(1))
      .default([])
      .describe('modules (paths relative to the scenario file, or package names) exporting definitions'),
    outputs: z
      .strictObject({
        dir: z
          .string()
          .optional()
          .describe(
            'folder for metrics, event log and charts, relative to the scenario file (`run --out` overrides it)',
          ),
        charts: z.boolean().default(true).describe('whether to draw charts'),
      })
      .prefault({}),
    checks: z
      .strictObject({
        invariants: z
          .boolean()
          .default(false)
          .describe(
            "check the machine's and every guest's invariants after each VM's quantum and after the host's steps between quanta; the run stops at the first one broken, naming it, the VM and the page (slow: for testing scenarios and plugins)",
          ),
      })
      .prefault({})
      .describe('self-checks while the scenario runs (as `hvsim run --check-invariants`)'),
  })
  .superRefine((scenario, ctx) => {
    const interval = scenario.host.metricInterval ?? time.s(1);
    const samples = Math.ceil(scenario.duration / interval);
    // An interval below its floor is already refused, with a better reason.
    if (interval >= MIN_PERIOD && samples > MAX_METRIC_SAMPLES) {
      ctx.addIssue({
        code: 'custom',
        path: ['host', 'metricInterval'],
        message: `${formatTime(interval)} over a run of ${formatTime(scenario.duration)} is ${samples.toLocaleString('en')} samples a series; expected at most ${MAX_METRIC_SAMPLES.toLocaleString('en')} (an interval of at least ${formatTime(Math.ceil(scenario.duration / MAX_METRIC_SAMPLES))})`,
      });
    }
  });

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;
export type VmEntry = z.output<typeof vmSchema>;
