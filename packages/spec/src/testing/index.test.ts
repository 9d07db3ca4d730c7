import { fc, test } from '@fast-check/vitest';
import {
  createRandom,
  isContentId,
  MAX_CONTENT_ID,
  OpKind,
  PAGE_SIZE,
  PageState,
  parsePages,
  parseSize,
  validateMissRatioCurve,
} from '@hvsim/spec';
import {
  allocationInput,
  allocationVm,
  checkedCommands,
  contentId,
  missRatioCurve,
  opBatch,
  pageSizeString,
  pageState,
  seed,
  sizeString,
  vmId,
} from '@hvsim/spec/testing';
import { describe, expect, it } from 'vitest';

describe('allocationVm', () => {
  test.prop([allocationVm()])('0 ≤ min ≤ max, positive shares, activity within max', (vm) => {
    for (const pages of [vm.min, vm.max, vm.activePages, vm.allocated]) {
      expect(Number.isSafeInteger(pages)).toBe(true);
    }
    expect(vm.min).toBeGreaterThanOrEqual(0);
    expect(vm.min).toBeLessThanOrEqual(vm.max);
    expect(vm.max).toBeGreaterThanOrEqual(1);
    expect(vm.shares).toBeGreaterThan(0);
    expect(vm.activePages).toBeGreaterThanOrEqual(0);
    expect(vm.activePages).toBeLessThanOrEqual(vm.max);
    expect(vm.allocated).toBeGreaterThanOrEqual(0);
    expect(vm.allocated).toBeLessThanOrEqual(vm.max);
  });

  test.prop([fc.integer({ min: 1, max: 100 }).chain((max) => fc.tuple(fc.constant(max), allocationVm(max)))])(
    'respects maxPages',
    ([maxPages, vm]) => {
      expect(vm.max).toBeLessThanOrEqual(maxPages);
    },
  );
});

describe('allocationInput', () => {
  test.prop([allocationInput()])('every VM is well formed and the mins fit in what is available', (input) => {
    expect(input.vms.length).toBeGreaterThanOrEqual(1);
    expect(input.vms.length).toBeLessThanOrEqual(8);
    let mins = 0;
    for (const vm of input.vms) {
      expect(vm.min).toBeGreaterThanOrEqual(0);
      expect(vm.min).toBeLessThanOrEqual(vm.max);
      expect(vm.shares).toBeGreaterThan(0);
      mins += vm.min;
    }
    expect(Number.isSafeInteger(input.available)).toBe(true);
    expect(input.available).toBeGreaterThanOrEqual(mins);
    const maxs = input.vms.reduce((sum, vm) => sum + vm.max, 0);
    expect(input.available).toBeLessThanOrEqual(2 * maxs);
  });

  test.prop([fc.integer({ min: 1, max: 4 }).chain((n) => fc.tuple(fc.constant(n), allocationInput(n)))])(
    'respects maxVms',
    ([maxVms, input]) => {
      expect(input.vms.length).toBeLessThanOrEqual(maxVms);
    },
  );
});

describe('opBatch', () => {
  test.prop([opBatch()])('reads and writes of pages in range, within capacity', (batch) => {
    expect(batch.capacity).toBeGreaterThanOrEqual(1);
    expect(batch.length).toBeGreaterThanOrEqual(0);
    expect(batch.length).toBeLessThanOrEqual(batch.capacity);
    expect(batch.length).toBeLessThanOrEqual(64);
    expect(batch.kind).toHaveLength(batch.capacity);
    expect(batch.target).toHaveLength(batch.capacity);
    expect(batch.content).toHaveLength(batch.capacity);
    for (let i = 0; i < batch.length; i++) {
      expect([OpKind.Read, OpKind.Write]).toContain(batch.kind[i]);
      expect(Number.isInteger(batch.target[i])).toBe(true);
      expect(batch.target[i]).toBeGreaterThanOrEqual(0);
      expect(batch.target[i]).toBeLessThan(64);
      expect(isContentId(batch.content[i]!)).toBe(true);
    }
  });

  test.prop([
    fc
      .tuple(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 0, max: 10 }))
      .chain(([pages, maxLength]) =>
        fc.tuple(fc.constant(pages), fc.constant(maxLength), opBatch(pages, maxLength)),
      ),
  ])('respects pages and maxLength', ([pages, maxLength, batch]) => {
    expect(batch.length).toBeLessThanOrEqual(maxLength);
    expect(batch.length).toBeLessThanOrEqual(batch.capacity);
    for (let i = 0; i < batch.length; i++) {
      expect(batch.target[i]).toBeGreaterThanOrEqual(0);
      expect(batch.target[i]).toBeLessThan(pages);
    }
  });
});

describe('contentId', () => {
  test.prop([contentId()])('is a safe non-negative integer', (id) => {
    expect(Number.isSafeInteger(id)).toBe(true);
    expect(id).toBeGreaterThanOrEqual(0);
    expect(id).toBeLessThanOrEqual(MAX_CONTENT_ID);
    expect(isContentId(id)).toBe(true);
  });

  test('isContentId', () => {
    expect(isContentId(0)).toBe(true);
    expect(isContentId(MAX_CONTENT_ID)).toBe(true);
    expect(isContentId(-1)).toBe(false);
    expect(isContentId(1.5)).toBe(false);
    expect(isContentId(2 ** 53)).toBe(false);
    expect(isContentId(Number.NaN)).toBe(false);
  });

  test('is biased towards equal contents', () => {
    const samples = fc.sample(contentId(), { numRuns: 1000, seed: 1 });
    expect(samples.filter((id) => id === 0).length).toBeGreaterThan(50);
    expect(samples.filter((id) => id >= 1 && id <= 8).length).toBeGreaterThan(400);
  });
});

describe('small arbitraries', () => {
  test.prop([seed()])('seed is a 32-bit signed integer that createRandom accepts', (s) => {
    expect(Number.isInteger(s)).toBe(true);
    expect(s).toBeGreaterThanOrEqual(-(2 ** 31));
    expect(s).toBeLessThan(2 ** 31);
    expect(createRandom(s).id).toBe(String(s));
  });

  test.prop([vmId()])('vmId is in [0, 15] by default', (vm) => {
    expect(Number.isInteger(vm)).toBe(true);
    expect(vm).toBeGreaterThanOrEqual(0);
    expect(vm).toBeLessThanOrEqual(15);
  });

  test.prop([fc.nat({ max: 1000 }).chain((max) => fc.tuple(fc.constant(max), vmId(max)))])(
    'vmId respects max',
    ([max, vm]) => {
      expect(vm).toBeLessThanOrEqual(max);
    },
  );

  test.prop([pageState()])('pageState is a PageState', (state) => {
    expect(Object.values(PageState)).toContain(state);
  });

  test.prop([sizeString()])('sizeString means its bytes', ({ text, bytes }) => {
    expect(Number.isSafeInteger(bytes)).toBe(true);
    expect(parseSize(text)).toBe(bytes);
  });

  test.prop([pageSizeString()])('pageSizeString means its pages', ({ text, pages }) => {
    expect(Number.isSafeInteger(pages * PAGE_SIZE)).toBe(true);
    expect(parsePages(text)).toBe(pages);
  });
});

describe('missRatioCurve', () => {
  test.prop([missRatioCurve()])('is valid', (c) => {
    expect(c.sizes).toBeInstanceOf(Float64Array);
    expect(c.missRatios).toBeInstanceOf(Float64Array);
    expect(c.sizes.length).toBe(c.missRatios.length);
    expect(c.sizes.length).toBeGreaterThanOrEqual(1);
    expect(c.sizes.length).toBeLessThanOrEqual(32);
    expect(Number.isSafeInteger(c.references)).toBe(true);
    expect(c.references).toBeGreaterThanOrEqual(0);
    expect(validateMissRatioCurve(c)).toBe(c);
  });

  test.prop([fc.integer({ min: 1, max: 5 }).chain((n) => fc.tuple(fc.constant(n), missRatioCurve(n)))])(
    'respects maxPoints',
    ([maxPoints, c]) => {
      expect(c.sizes.length).toBeLessThanOrEqual(maxPoints);
    },
  );
});

it('checked commands run their body, then the shared check, and are named by their label', () => {
  const calls: string[] = [];
  const step = checkedCommands<{ n: number }, string[]>((model, real) => real.push(`check ${model.n}`));
  const command = step('add one', (model) => {
    model.n++;
  });
  expect(String(command)).toBe('add one');
  expect(command.check({ n: 0 })).toBe(true);
  command.run({ n: 0 }, calls);
  expect(calls).toEqual(['check 1']);
});
