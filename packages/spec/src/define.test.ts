import { fc, test } from '@fast-check/vitest';
import {
  type CreateContext,
  createRandom,
  type DemandDetector,
  defineAllocationPolicy,
  defineDetector,
  defineGuestOs,
  defineReclamationMechanism,
  defineReclamationPolicy,
  definer,
  defineSharingEngine,
  defineWorkload,
  HvsimError,
  InvalidInputError,
  InvalidOptionsError,
  parseSize,
  type SimEvent,
  type VmId,
  type Workload,
  type WorkloadContext,
} from '@hvsim/spec';
import { describe, expect, vi } from 'vitest';
import { z } from 'zod';

function context(): CreateContext & { events: SimEvent[] } {
  const events: SimEvent[] = [];
  return { random: createRandom(1), emit: (event) => events.push(event), events };
}

const detectorInstance = (name: string): DemandDetector => ({
  contract: 'detector@1',
  name,
  attach() {},
  tick() {},
  estimate: () => ({ activePages: 0 }),
  detach() {},
});

const samplingOptions = z.object({
  period: z.number().positive().default(30e9),
  samples: z.number().int().min(1).default(100),
  mode: z.enum(['access', 'write']).default('access'),
});

/** A detector whose factory records what it was given. */
function samplingDetector() {
  const calls: { options: z.output<typeof samplingOptions>; context: CreateContext }[] = [];
  const definition = defineDetector({
    name: 'sampling',
    description: 'Samples random pages each period (ESX).',
    options: samplingOptions,
    create: (options, ctx) => {
      calls.push({ options, context: ctx });
      return detectorInstance('sampling');
    },
  });
  return { definition, calls };
}

/** Runs `fn`, expects it to throw an InvalidOptionsError and returns it. */
function invalidOptions(fn: () => unknown): InvalidOptionsError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect(error).toBeInstanceOf(HvsimError);
    return error as InvalidOptionsError;
  }
  throw new Error('expected an InvalidOptionsError, nothing was thrown');
}

describe('definitions', () => {
  test('carry the contract, name, description and schema', () => {
    const { definition } = samplingDetector();
    expect(definition.contract).toBe('detector@1');
    expect(definition.name).toBe('sampling');
    expect(definition.description).toBe('Samples random pages each period (ESX).');
    expect(definition.options).toBe(samplingOptions);
  });

  test('the description defaults to empty', () => {
    const definition = defineWorkload({
      name: 'idle',
      options: z.object({}),
      create: (): Workload => ({ contract: 'workload@1', name: 'idle', fill: () => 0 }),
    });
    expect(definition.description).toBe('');
  });

  const options = z.object({});
  const anything = () => ({}) as never;
  test.each([
    [
      'defineAllocationPolicy',
      defineAllocationPolicy({ name: 'shares', options, create: anything }),
      'allocation-policy@1',
    ],
    ['defineDetector', defineDetector({ name: 'sampling', options, create: anything }), 'detector@1'],
    ['defineGuestOs', defineGuestOs({ name: 'linux-like', options, create: anything }), 'guest-os@1'],
    [
      'defineReclamationMechanism',
      defineReclamationMechanism({ name: 'balloon', options, create: anything }),
      'reclamation-mechanism@1',
    ],
    [
      'defineReclamationPolicy',
      defineReclamationPolicy({ name: 'esx-states', options, create: anything }),
      'reclamation-policy@1',
    ],
    [
      'defineSharingEngine',
      defineSharingEngine({ name: 'content-based', options, create: anything }),
      'sharing-engine@1',
    ],
    ['defineWorkload', defineWorkload({ name: 'zipf', options, create: anything }), 'workload@1'],
  ] as const)('%s makes %s definitions', (_helper, definition, contract) => {
    expect(definition.contract).toBe(contract);
  });

  test('definer tags definitions with its contract', () => {
    const defineThing = definer<'thing@2', { id: number }, string>('thing@2');
    const definition = defineThing({
      name: 'thing',
      options: z.object({ suffix: z.string().default('!') }),
      create: (o, ctx) => `${ctx.id}${o.suffix}`,
    });
    expect(definition.contract).toBe('thing@2');
    expect(definition.create(undefined, { id: 7 })).toBe('7!');
    expect(definition.create({ suffix: '?' }, { id: 8 })).toBe('8?');
  });
});

describe('create', () => {
  test('passes parsed options with defaults applied, and the context, and returns the instance', () => {
    const { definition, calls } = samplingDetector();
    const ctx = context();
    const instance = definition.create({ period: 5e9 }, ctx);
    expect(instance.contract).toBe('detector@1');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.options).toEqual({ period: 5e9, samples: 100, mode: 'access' });
    expect(calls[0]!.context).toBe(ctx);
  });

  test('undefined options mean every default', () => {
    const { definition, calls } = samplingDetector();
    definition.create(undefined, context());
    definition.create({}, context());
    expect(calls.map((c) => c.options)).toEqual([
      { period: 30e9, samples: 100, mode: 'access' },
      { period: 30e9, samples: 100, mode: 'access' },
    ]);
  });

  test('the factory sees the schema output, not the raw input', () => {
    const seen: number[] = [];
    const definition = defineWorkload({
      name: 'sequential',
      options: z.object({ size: z.union([z.string(), z.number()]).transform((s) => parseSize(s, 'size')) }),
      create: (options, ctx: WorkloadContext): Workload => {
        seen.push(options.size, ctx.vmPages);
        return { contract: 'workload@1', name: 'sequential', fill: () => 0 };
      },
    });
    definition.create({ size: '4KiB' }, { ...context(), vm: 0 as VmId, vmPages: 256 });
    definition.create({ size: 8192 }, { ...context(), vm: 0 as VmId, vmPages: 512 });
    expect(seen).toEqual([4096, 256, 8192, 512]);
  });

  test('the context reaches the factory whole: its stream and event sink work', () => {
    const ctx = context();
    const definition = defineDetector({
      name: 'noisy',
      options: z.object({}),
      create: (_options, c) => {
        c.emit({ time: 0, source: 'noisy', kind: 'created', data: { draw: c.random.nextInt(10) } });
        return detectorInstance('noisy');
      },
    });
    definition.create(undefined, ctx);
    expect(ctx.events).toEqual([
      { time: 0, source: 'noisy', kind: 'created', data: { draw: createRandom(1).nextInt(10) } },
    ]);
  });

  test('each create call runs the factory afresh', () => {
    const { definition, calls } = samplingDetector();
    const a = definition.create({ samples: 1 }, context());
    const b = definition.create({ samples: 2 }, context());
    expect(a).not.toBe(b);
    expect(calls.map((c) => c.options.samples)).toEqual([1, 2]);
  });

  test.prop([fc.double({ min: 1, max: 1e12, noNaN: true }), fc.integer({ min: 1, max: 1e6 })])(
    'any valid options reach the factory unchanged',
    (period, samples) => {
      const { definition, calls } = samplingDetector();
      definition.create({ period, samples, mode: 'write' }, context());
      expect(calls[0]!.options).toEqual({ period, samples, mode: 'write' });
    },
  );
});

describe('invalid options', () => {
  test('name the option at fault', () => {
    const { definition, calls } = samplingDetector();
    const error = invalidOptions(() => definition.create({ period: -1 }, context()));
    expect(error.code).toBe('invalid-options');
    expect(error.field).toBe('sampling.options');
    expect(error.message).toMatch(/^sampling\.options: period: /);
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]!.path).toBe('period');
    expect(error.issues[0]!.message.length).toBeGreaterThan(0);
    expect(calls).toHaveLength(0);
  });

  test('list every bad field', () => {
    const { definition } = samplingDetector();
    const error = invalidOptions(() =>
      definition.create({ period: 'soon' as never, samples: 0.5, mode: 'read' as never }, context()),
    );
    expect(error.issues.map((i) => i.path).sort()).toEqual(['mode', 'period', 'samples']);
    for (const issue of error.issues) expect(error.message).toContain(`${issue.path}: ${issue.message}`);
    expect(error.message.split('; ')).toHaveLength(3);
  });

  test('name nested paths with dots and list items by index', () => {
    const definition = defineWorkload({
      name: 'phased',
      options: z.object({
        sampler: z.object({ rate: z.number() }),
        phases: z.array(z.object({ pages: z.number().int() })),
      }),
      create: (): Workload => ({ contract: 'workload@1', name: 'phased', fill: () => 0 }),
    });
    const error = invalidOptions(() =>
      definition.create(
        { sampler: { rate: 'fast' as never }, phases: [{ pages: 1 }, { pages: 1.5 }] },
        { ...context(), vm: 0 as VmId, vmPages: 1 },
      ),
    );
    expect(error.issues.map((i) => i.path).sort()).toEqual(['phases[1].pages', 'sampler.rate']);
    expect(error.message).toContain('sampler.rate: ');
    expect(error.message).toContain('phases[1].pages: ');
  });

  test('name the root when the options as a whole are wrong', () => {
    const { definition } = samplingDetector();
    const error = invalidOptions(() => definition.create('fast' as never, context()));
    expect(error.issues).toEqual([{ path: '(root)', message: expect.any(String) }]);
    expect(error.message).toMatch(/^sampling\.options: \(root\): /);

    const strict = defineDetector({
      name: 'strict',
      options: z.strictObject({ period: z.number().default(1) }),
      create: () => detectorInstance('strict'),
    });
    expect(invalidOptions(() => strict.create({ perod: 5 } as never, context())).issues).toEqual([
      { path: 'perod', message: 'strict has no option "perod"; did you mean "period"?' },
    ]);
  });

  test('undefined options fail when the schema has required fields', () => {
    const definition = defineDetector({
      name: 'needs-period',
      options: z.object({ period: z.number() }),
      create: () => detectorInstance('needs-period'),
    });
    const error = invalidOptions(() => definition.create(undefined, context()));
    expect(error.issues.map((i) => i.path)).toEqual(['period']);
  });

  test('the factory is not called', () => {
    const create = vi.fn(() => detectorInstance('spy'));
    const definition = defineDetector({ name: 'spy', options: z.object({ n: z.number() }), create });
    expect(() => definition.create({ n: 'x' as never }, context())).toThrow(InvalidOptionsError);
    expect(create).not.toHaveBeenCalled();
    definition.create({ n: 1 }, context());
    expect(create).toHaveBeenCalledTimes(1);
  });

  test('InvalidOptionsError joins its issues into the message', () => {
    const error = new InvalidOptionsError('zipf.options', [
      { path: 'alpha', message: 'too small' },
      { path: 'pages', message: 'expected a number' },
    ]);
    expect(error.name).toBe('InvalidOptionsError');
    expect(error.code).toBe('invalid-options');
    expect(error.field).toBe('zipf.options');
    expect(error.message).toBe('zipf.options: alpha: too small; pages: expected a number');
    expect(error).toBeInstanceOf(Error);
  });
});

describe('registry names', () => {
  test.each([
    '',
    'Bad Name',
    'bad name',
    'Sampling',
    'bad_name',
    '-lead',
    'trailing-',
    'double--dash',
    '1abc',
    'a/',
    '/a',
    'a.b',
    ' sampling',
  ])('rejects %j', (name) => {
    let thrown: unknown;
    try {
      defineDetector({ name, options: z.object({}), create: () => detectorInstance(name) });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(HvsimError);
    const error = thrown as HvsimError;
    expect(error.code).toBe('invalid-name');
    expect(error.field).toBe('detector@1.name');
    expect(error.message).toMatch(/^detector@1\.name: /);
    expect(error.message).toContain(JSON.stringify(name));
  });

  test('refuse an option called "kind": a scenario file writes the kind beside the options', () => {
    expect(() =>
      defineDetector({
        name: 'shadowed',
        options: z.object({ kind: z.enum(['flat', 'progressive']).default('flat') }),
        create: () => detectorInstance('shadowed'),
      }),
    ).toThrow('shadowed.options.kind: "kind" names the definition in a scenario file');
  });

  test('hold plain object options strictly, however deep; a loose object opts out', () => {
    const definition = defineDetector({
      name: 'nested',
      options: z.object({ window: z.object({ size: z.number().default(1) }).prefault({}) }),
      create: () => detectorInstance('nested'),
    });
    expect(
      invalidOptions(() => definition.create({ window: { sise: 2 } } as never, context())).issues,
    ).toEqual([
      { path: 'window.sise', message: `nested's window has no option "sise"; did you mean "size"?` },
    ]);
    const loose = defineDetector({
      name: 'loose',
      options: z.looseObject({ window: z.number().default(1) }),
      create: () => detectorInstance('loose'),
    });
    expect(() => loose.create({ anything: true } as never, context())).not.toThrow();
  });

  test('name the contract of the helper that refused', () => {
    expect(() =>
      defineWorkload({ name: 'Bad Name', options: z.object({}), create: () => ({}) as never }),
    ).toThrow(/^workload@1\.name: /);
  });

  test.each(['a', 'sampling', 'content-based', 'lru2', 'esx/sampling', 'x86-64/linux-5'])(
    'accepts %j',
    (name) => {
      expect(defineDetector({ name, options: z.object({}), create: () => detectorInstance(name) }).name).toBe(
        name,
      );
    },
  );
});

describe('errors', () => {
  test('HvsimError prefixes the field and keeps code and field', () => {
    const error = new HvsimError('invalid-size', 'too big', 'vm.memory');
    expect(error.message).toBe('vm.memory: too big');
    expect(error.code).toBe('invalid-size');
    expect(error.field).toBe('vm.memory');
    expect(error.name).toBe('HvsimError');
    expect(error).toBeInstanceOf(Error);
  });

  test('HvsimError without a field', () => {
    const error = new HvsimError('oops', 'something');
    expect(error.message).toBe('something');
    expect(error.field).toBeUndefined();
  });

  test('InvalidInputError is an invalid-input HvsimError', () => {
    const error = new InvalidInputError('seed', 'expected a whole number');
    expect(error).toBeInstanceOf(HvsimError);
    expect(error.name).toBe('InvalidInputError');
    expect(error.code).toBe('invalid-input');
    expect(error.message).toBe('seed: expected a whole number');
  });
});
