import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LruList, LruLists } from './lru';

const contents = (lru: LruLists, list: LruList) => [...lru.pages(list)];

describe('two-list LRU', () => {
  it('keeps head-to-tail order and sizes through pushes and removals', () => {
    const lru = new LruLists(8);
    for (const p of [1, 2, 3]) lru.pushHead(LruList.Inactive, p);
    lru.pushHead(LruList.Active, 5);
    expect(contents(lru, LruList.Inactive)).toEqual([3, 2, 1]);
    expect(lru.tail(LruList.Inactive)).toBe(1);
    lru.remove(2);
    expect(contents(lru, LruList.Inactive)).toEqual([3, 1]);
    lru.moveToHead(LruList.Active, 1);
    expect(contents(lru, LruList.Active)).toEqual([1, 5]);
    expect(lru.size(LruList.Inactive)).toBe(1);
    expect(lru.size(LruList.Active)).toBe(2);
    lru.remove(2); // not on a list: nothing happens
    expect(lru.size(LruList.Inactive) + lru.size(LruList.Active)).toBe(3);
  });

  it('ages unreferenced active pages to the inactive list and gives referenced ones another round', () => {
    const lru = new LruLists(8);
    for (const p of [0, 1, 2, 3, 4, 5]) lru.pushHead(LruList.Active, p);
    lru.referenced[0] = 1; // the tail, but recently used
    lru.balance();
    expect(lru.size(LruList.Inactive) * 2).toBeGreaterThanOrEqual(lru.size(LruList.Active));
    expect(contents(lru, LruList.Active)).toContain(0);
    expect(lru.referenced[0]).toBe(0); // the second chance cleared its bit
    expect(contents(lru, LruList.Inactive)).toEqual([2, 1]);
  });

  it('matches a list model under random operations', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('push-active', 'push-inactive', 'remove', 'balance'), fc.nat(15))),
        (steps) => {
          const lru = new LruLists(16);
          const model: Record<number, number[]> = { [LruList.Active]: [], [LruList.Inactive]: [] };
          for (const [step, page] of steps) {
            const on = lru.list[page] !== LruList.None;
            if (step === 'remove' || (on && step !== 'balance')) {
              lru.remove(page);
              for (const list of [LruList.Active, LruList.Inactive])
                model[list] = model[list]!.filter((p) => p !== page);
              if (step === 'remove') continue;
            }
            if (step === 'push-active' || step === 'push-inactive') {
              const list = step === 'push-active' ? LruList.Active : LruList.Inactive;
              lru.pushHead(list, page);
              model[list]!.unshift(page);
            } else if (step === 'balance') {
              lru.balance();
              model[LruList.Active] = contents(lru, LruList.Active);
              model[LruList.Inactive] = contents(lru, LruList.Inactive);
            }
            for (const list of [LruList.Active, LruList.Inactive]) {
              expect(contents(lru, list)).toEqual(model[list]);
              expect(lru.size(list)).toBe(model[list]!.length);
            }
          }
        },
      ),
    );
  });
});
