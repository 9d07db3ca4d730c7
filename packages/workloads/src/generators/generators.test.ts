import { fc, test } from '@fast-check/vitest';
import { InvalidOptionsError, type OpBatch, OpKind, REAL_CONTENT_BASE, type Workload } from '@hvsim/spec';
import { COMPUTE_SLICE, generatorDefinitions } from '@hvsim/workloads';
import { describe, expect } from 'vitest';
import { z } from 'zod';
import { drive, SMALL_SETTINGS, workloadContext } from './test-support';

const VM_PAGES = 4096;

const create = (name: string, seed = 1, extra: Record<string, unknown> = {}): Workload => {
  const definition = generatorDefinitions.find((d) => d.name === name)!;
  return definition.create(
    { ...SMALL_SETTINGS[name], ...extra } as never,
    workloadContext({ seed, vmPages: VM_PAGES }),
  );
};

const NAMES = generatorDefinitions.map((d) => d.name);

/** The ops of a run of `ops` ops (or until 100 ms of simulated time), as one array of tuples. */
function trace(workload: Workload, ops = 5000, capacity = 97) {
  const out: number[] = [];
  drive(workload, {
    capacity,
    maxOps: ops,
    until: 100e6,
    onOp: (time, kind, target, content) => out.push(time, kind, target, content),
  });
  return out;
}

describe('every generator', () => {
  test('the registry lists each definition once, all workload@1 with a kebab-case name', () => {
    expect(NAMES).toEqual([
      'uniform',
      'zipf',
      'sequential',
      'phased',
      'toucher',
      'idle',
      'file-server',
      'buffer-pool',
      'growing-heap',
    ]);
    for (const d of generatorDefinitions) {
      expect(d.contract).toBe('workload@1');
      expect(d.description.length).toBeGreaterThan(10);
    }
  });

  test.each(NAMES)('%s describes every option, for the CLI', (name) => {
    const definition = generatorDefinitions.find((d) => d.name === name)!;
    const shape = (definition.options as z.ZodObject).shape;
    for (const [key, schema] of Object.entries(shape)) {
      expect((schema as z.ZodType).description, `${name}.${key}`).toBeTruthy();
    }
    // And a CLI can render them as JSON schema.
    expect(() => z.toJSONSchema(definition.options, { io: 'input', unrepresentable: 'any' })).not.toThrow();
  });

  test.each(NAMES)('%s is deterministic: same seed, same ops; another seed, other ops', (name) => {
    const a = trace(create(name, 7));
    expect(a.length).toBeGreaterThan(0);
    expect(trace(create(name, 7))).toEqual(a);
    if (name !== 'sequential') expect(trace(create(name, 8))).not.toEqual(a);
  });

  test.each(NAMES)('%s writes valid ops inside its VM', (name) => {
    const workload = create(name);
    expect(workload.contract).toBe('workload@1');
    expect(workload.name).toBe(name);
    let memoryOps = 0;
    const bad: string[] = [];
    const check = (ok: boolean, what: string, kind: number, target: number, content: number) => {
      if (!ok && bad.length < 5) bad.push(`${what}: kind ${kind}, target ${target}, content ${content}`);
    };
    drive(workload, {
      capacity: 128,
      maxOps: 20_000,
      until: 100e6,
      onOp: (_time, kind, target, content) => {
        check(kind <= OpKind.Compute, 'kind', kind, target, content);
        if (kind === OpKind.Compute) {
          check(target > 0 && target <= COMPUTE_SLICE, 'compute time', kind, target, content);
          return;
        }
        memoryOps++;
        check(Number.isSafeInteger(target) && target >= 0, 'target', kind, target, content);
        if (kind === OpKind.Read || kind === OpKind.Write || kind === OpKind.Free) {
          check(target < VM_PAGES, 'page inside the VM', kind, target, content);
        }
        if (kind === OpKind.Write || kind === OpKind.FileWrite) {
          check(
            Number.isSafeInteger(content) && content >= 0 && content < REAL_CONTENT_BASE,
            'content id',
            kind,
            target,
            content,
          );
        } else {
          check(content === 0, 'no content', kind, target, content);
        }
      },
    });
    expect(bad).toEqual([]);
    expect(memoryOps).toBeGreaterThan(0);
  });

  test.prop([fc.constantFrom(...NAMES), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 30 })], {
    numRuns: 60,
  })('never writes past the capacity of its batch', (name, capacity, fills) => {
    const workload = create(name);
    const pad = 8;
    const batch: OpBatch = {
      capacity,
      kind: new Uint8Array(capacity + pad).fill(255),
      target: new Float64Array(capacity + pad).fill(-1),
      content: new Float64Array(capacity + pad).fill(-1),
      length: -1,
    };
    let now = 0;
    for (let f = 0; f < fills; f++) {
      const n = workload.fill(batch, now);
      expect(n).toBe(batch.length);
      expect(n).toBeGreaterThanOrEqual(0);
      expect(n).toBeLessThanOrEqual(capacity);
      for (let i = capacity; i < capacity + pad; i++) {
        expect([batch.kind[i], batch.target[i], batch.content[i]]).toEqual([255, -1, -1]);
      }
      for (let i = 0; i < n; i++) now += batch.kind[i] === OpKind.Compute ? batch.target[i]! : 1000;
    }
  });

  test.each(NAMES)('%s finishes after `ops` ops', (name) => {
    const { ops, finished } = drive(create(name, 1, { ops: 1000 }), { capacity: 64, until: 1e12 });
    expect(finished).toBe(true);
    expect(ops).toBe(1000);
  });

  test.each(NAMES)('%s finishes `until` after its start', (name) => {
    const { now, finished } = drive(create(name, 1, { until: '20ms' }), { capacity: 64, start: 5e6 });
    expect(finished).toBe(true);
    expect(now).toBeGreaterThanOrEqual(25e6);
    expect(now).toBeLessThan(25e6 + 64 * 1e6);
  });

  test.each(NAMES)('%s rejects a bad option, naming it', (name) => {
    const definition = generatorDefinitions.find((d) => d.name === name)!;
    const ctx = workloadContext();
    const message = (options: Record<string, unknown>) => {
      try {
        definition.create(options as never, ctx);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidOptionsError);
        return (error as Error).message;
      }
      throw new Error(`${name} accepted ${JSON.stringify(options)}`);
    };
    expect(message({ ops: -3 })).toMatch(
      new RegExp(`^${name}\\.options: ops: expected a number (of at least|above) `),
    );
    expect(message({ until: 'soon' })).toMatch(/until: expected a duration such as "30s"/);
    expect(message({ content: 'random' })).toMatch(/content: expected a content model/);
    expect(message({ content: { model: 'mix', zero: 0.9, osImage: 0.9 } })).toMatch(
      /content: .*must not exceed 1/,
    );
  });
});
