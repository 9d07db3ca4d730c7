import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PageQueue } from './page-queue';

const drain = (fifo: PageQueue) => {
  const out: number[] = [];
  while (fifo.size > 0) out.push(fifo.shift());
  return out;
};

describe('PageQueue', () => {
  it('gives pages back oldest first, and counts them', () => {
    const fifo = new PageQueue(8);
    expect(fifo.size).toBe(0);
    for (const ppn of [5, 2, 7, 0]) fifo.push(ppn);
    expect(fifo.size).toBe(4);
    expect(fifo.shift()).toBe(5);
    expect(fifo.size).toBe(3);
    expect(drain(fifo)).toEqual([2, 7, 0]);
    expect(fifo.size).toBe(0);
  });

  it('lists a page once: pushed again while listed, it keeps its first place', () => {
    const fifo = new PageQueue(8);
    for (const ppn of [3, 1, 3, 4, 1, 3]) fifo.push(ppn);
    expect(fifo.size).toBe(3);
    expect(drain(fifo)).toEqual([3, 1, 4]);
  });

  it('lists a page again once it was shifted, at the tail', () => {
    const fifo = new PageQueue(8);
    for (const ppn of [3, 1, 4]) fifo.push(ppn);
    expect(fifo.shift()).toBe(3);
    fifo.push(3);
    expect(drain(fifo)).toEqual([1, 4, 3]);
  });

  it('wraps around its ring after shifts, holding every page at once', () => {
    const fifo = new PageQueue(4);
    for (const ppn of [0, 1, 2]) fifo.push(ppn);
    expect(fifo.shift()).toBe(0);
    expect(fifo.shift()).toBe(1);
    for (const ppn of [3, 0, 1]) fifo.push(ppn); // the ring's slots 3, 0 and 1
    expect(fifo.size).toBe(4);
    expect(drain(fifo)).toEqual([2, 3, 0, 1]);
    // Again, from the head's new place.
    for (const ppn of [1, 3, 2, 0]) fifo.push(ppn);
    expect(fifo.shift()).toBe(1);
    fifo.push(1);
    expect(drain(fifo)).toEqual([3, 2, 0, 1]);
  });

  it('behaves as a queue of distinct pages, whatever the pushes and shifts', () => {
    const op = fc.oneof(fc.nat(5), fc.constant('shift' as const));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 100, size: 'max' }), (ops) => {
        const fifo = new PageQueue(6);
        const model: number[] = [];
        for (const o of ops) {
          if (o === 'shift') {
            expect(fifo.shift()).toBe(model.shift() ?? -1);
          } else {
            fifo.push(o);
            if (!model.includes(o)) model.push(o);
          }
          expect(fifo.size).toBe(model.length);
        }
        expect(drain(fifo)).toEqual(model);
      }),
    );
  });
});
