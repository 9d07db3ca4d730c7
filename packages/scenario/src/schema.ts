import { DEFAULT_COSTS } from '@hvsim/machine';
import { durationOption, optionalDurationOption, parsePages } from '@hvsim/spec';
import { z } from 'zod';
import { POLICY_STACKS, type PolicyStackName } from './stacks';

const SIZE_HELP = 'a size such as "256MiB" or a whole number of pages';

/** An absolute memory size: "4GiB" or pages. */
const size = (description: string) =>
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
    .describe(`${description} — ${SIZE_HELP}`);

/** A named factory: `zipf`, or `{ kind: zipf, pages: 0.5 }` with the factory's own options beside `kind`. */
const use = (description: string) =>
  z
    .union([z.string().min(1), z.looseObject({ kind: z.string().min(1) })], {
      error: "expected a registered name, or an object with `kind` and that kind's options",
    })
    .transform((input): { kind: string; options: Record<string, unknown> } =>
      typeof input === 'string'
        ? { kind: input, options: {} }
        : (({ kind, ...options }) => ({ kind, options }))(input),
    )
    .describe(description);

export const vmSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected a name of letters, digits, ".", "_" or "-"')
    .describe('unique name of the VM (with `count`, a number is appended)'),
  count: z.number().int().min(1).default(1).describe('how many identical VMs this entry stands for'),
  memory: size("configured memory (the VM's max)"),
  min: size('memory the VM is guaranteed').optional(),
  shares: z
    .union([z.enum(['low', 'normal', 'high']), z.number().min(0)])
    .default('normal')
    .describe(
      'proportional-share weight: low, normal or high (5, 10, 20 per MiB of memory, as ESX), or a number; 0 pins the VM at its min',
    ),
  overhead: size('memory the VM costs the hypervisor (frame buffer, monitor)').optional(),
  guest: use('the guest OS: linux or windows, with options').prefault('linux'),
  workload: use('what runs in the VM: a generator or a trace, with options'),
  detector: use(
    'a demand detector, with options: its estimate is what the allocation policy sees',
  ).optional(),
  observers: z
    .array(use('a detector that only watches'))
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
});

export const scenarioSchema = z.strictObject({
  $schema: z.string().optional().describe('the JSON Schema this file follows (for editors)'),
  name: z.string().optional().describe('a title for reports'),
  description: z.string().optional(),
  seed: z.number().int().default(1).describe('seed of every random stream: same seed, same run'),
  duration: durationOption('host time to simulate', { default: '60s' }),
  host: z.strictObject({
    memory: size('host memory'),
    reserved: size('memory the hypervisor keeps for itself').optional(),
    swap: size('host swap').optional(),
    quantum: optionalDurationOption('host time a VM runs before the next takes its turn (default 10ms)'),
    metricInterval: optionalDurationOption('how often metrics are sampled (default 1s)'),
    costs: z
      .strictObject(
        Object.fromEntries(
          Object.entries(DEFAULT_COSTS).map(([key, value]) => [
            key,
            z.number().nonnegative().optional().describe(`ns (default ${value})`),
          ]),
        ) as Record<keyof typeof DEFAULT_COSTS, z.ZodOptional<z.ZodNumber>>,
      )
      .optional()
      .describe(`cost overrides in ns, e.g. { swapIn: 5000000 }: ${Object.keys(DEFAULT_COSTS).join(', ')}`),
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
      allocation: use('how targets are set (none: every VM may grow to its max)').optional(),
      reclamation: use('when and how memory is taken back (none: only emergency host paging)').optional(),
      mechanisms: z.array(use('a reclamation mechanism the plans may name')).optional(),
      sharing: use('a page-sharing engine').optional(),
      rebalance: optionalDurationOption('how often targets and plans are recomputed (default 15s)'),
      shareScan: optionalDurationOption('how often the sharing engine scans (default 1s)'),
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
      dir: z.string().optional().describe('folder for metrics, event log and charts'),
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
});

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;
export type VmEntry = z.output<typeof vmSchema>;

/** JSON Schema of scenario files, for editor completion and validation. */
export const scenarioJsonSchema = (): object =>
  z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' });
