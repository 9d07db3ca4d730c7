import { fc, test } from '@fast-check/vitest';
import { InvalidInputError } from '@hvsim/spec';
import { describe, expect, it } from 'vitest';
import { StackDistances } from './stack-distances';

/** The textbook LRU stack: a recency list, most recent first; a distance is a 1-based index in it. */
class NaiveStack {
  readonly list: number[] = [];

  access(id: number): number {
    const at = this.list.indexOf(id);
    if (at >= 0) this.list.splice(at, 1);
    this.list.unshift(id);
    return at < 0 ? Infinity : at + 1;
  }

  remove(id: number): boolean {
    const at = this.list.indexOf(id);
    if (at >= 0) this.list.splice(at, 1);
    return at >= 0;
  }
}

type Step = { op: 'access' | 'remove'; id: number };

const capacity = fc.integer({ min: 1, max: 70 });
const step = (maxId: number): fc.Arbitrary<Step> =>
  fc.record({
    op: fc.constantFrom<Step['op']>('access', 'access', 'access', 'remove'),
    id: fc.nat({ max: maxId }),
  });

describe('StackDistances', () => {
  test.prop([fc.array(fc.nat({ max: 40 }), { maxLength: 400 }), capacity])(
    'gives the distance of the naive LRU stack for every reference, through compactions',
    (ids, initialCapacity) => {
      const stack = new StackDistances({ initialCapacity });
      const naive = new NaiveStack();
      for (const id of ids) expect(stack.access(id)).toBe(naive.access(id));
      expect(stack.distinct).toBe(naive.list.length);
    },
  );

  test.prop([fc.array(step(30), { maxLength: 400 }), capacity])(
    'after remove(id), later distances are those of the trace without that id so far',
    (steps, initialCapacity) => {
      const stack = new StackDistances({ initialCapacity });
      const naive = new NaiveStack();
      for (const { op, id } of steps) {
        if (op === 'access') expect(stack.access(id)).toBe(naive.access(id));
        else expect(stack.remove(id)).toBe(naive.remove(id));
        expect(stack.has(id)).toBe(naive.list.includes(id));
        expect(stack.distinct).toBe(naive.list.length);
      }
    },
  );

  test.prop([
    fc.array(fc.nat({ max: 3000 }), { minLength: 1, maxLength: 600 }),
    fc.nat({ max: 599 }),
    capacity,
  ])(
    'accessAll writes the distances access returns, from any start and into any offset',
    (values, cut, initialCapacity) => {
      const ids = Float64Array.from(values);
      const start = Math.min(cut, ids.length);
      const one = new StackDistances({ initialCapacity });
      const batch = new StackDistances({ initialCapacity });
      for (let i = 0; i < start; i++) one.access(ids[i]!);
      batch.accessAll(ids, 0, start, new Float64Array(start));
      const out = new Float64Array(ids.length - start + 3);
      batch.accessAll(ids, start, ids.length, out, 3);
      for (let i = start; i < ids.length; i++) expect(out[i - start + 3]).toBe(one.access(ids[i]!));
      expect(batch.distinct).toBe(one.distinct);
    },
  );

  it('matches the naive stack on a long trace over thousands of ids, growing and shrinking', () => {
    // A phase over many ids, then most of them removed and a phase over few: the capacity grows, then
    // shrinks.
    let seed = 7;
    const next = (bound: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % bound;
    };
    const stack = new StackDistances({ initialCapacity: 16 });
    const naive = new NaiveStack();
    for (let i = 0; i < 20_000; i++) {
      const id = next(4) === 0 ? next(3000) : next(50);
      expect(stack.access(id)).toBe(naive.access(id));
    }
    for (let id = 100; id < 3000; id++) expect(stack.remove(id)).toBe(naive.remove(id));
    for (let i = 0; i < 20_000; i++) {
      const id = next(120);
      expect(stack.access(id)).toBe(naive.access(id));
    }
    expect(stack.distinct).toBe(naive.list.length);
  });

  it('starts every id cold, and an id removed is cold again', () => {
    const stack = new StackDistances();
    expect(stack.access(5)).toBe(Infinity);
    expect(stack.access(5)).toBe(1);
    expect(stack.has(5)).toBe(true);
    expect(stack.has(1_000_000)).toBe(false);
    expect(stack.remove(5)).toBe(true);
    expect(stack.remove(5)).toBe(false);
    expect(stack.remove(1_000_000)).toBe(false);
    expect(stack.access(5)).toBe(Infinity);
  });

  it('names the field of every bad input, and a batch with a bad id changes nothing', () => {
    const stack = new StackDistances();
    for (const id of [-1, 1.5, 2 ** 31, Number.NaN, Infinity]) {
      expect(() => stack.access(id)).toThrow(InvalidInputError);
      expect(() => stack.access(id)).toThrow(/^id: expected a whole number in \[0, 2\^31\)/);
      expect(() => stack.has(id)).toThrow(/^id: /);
      expect(() => stack.remove(id)).toThrow(/^id: /);
    }
    const ids = Float64Array.of(1, 2, -3);
    expect(() => stack.accessAll(ids, 0, 3, new Float64Array(3))).toThrow(/^id: .*got -3 at index 2/);
    expect(stack.distinct).toBe(0);
    expect(() => stack.accessAll(ids, -1, 2, new Float64Array(3))).toThrow(/^start: /);
    expect(() => stack.accessAll(ids, 2, 1, new Float64Array(3))).toThrow(/^end: /);
    expect(() => stack.accessAll(ids, 0, 4, new Float64Array(4))).toThrow(/^end: /);
    expect(() => stack.accessAll(ids, 0, 2, new Float64Array(1))).toThrow(/^out: /);
    expect(() => stack.accessAll(ids, 0, 2, new Float64Array(2), 1)).toThrow(/^out: /);
    for (const initialCapacity of [0, 1.5, -4, 2 ** 30]) {
      expect(() => new StackDistances({ initialCapacity })).toThrow(/^initialCapacity: /);
    }
  });
});
