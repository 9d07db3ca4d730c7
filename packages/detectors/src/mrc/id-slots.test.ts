import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { IdSlots } from './id-slots';

type Step = { op: 'add' | 'delete'; id: number };

const steps = fc.array(
  fc.record({ op: fc.constantFrom<Step['op']>('add', 'add', 'delete'), id: fc.nat({ max: 3000 }) }),
  { maxLength: 1500 },
);

describe('IdSlots', () => {
  test.prop([steps])(
    'maps ids to distinct dense slots like a Map, reusing freed slots, through growth and deletions',
    (plan) => {
      const slots = new IdSlots();
      const model = new Map<number, number>();
      const free: number[] = [];
      let handedOut = 0;
      const got: number[] = [];
      const expected: number[] = [];
      for (const { op, id } of plan) {
        if (op === 'add' && !model.has(id)) {
          const slot = free.length > 0 ? free.pop()! : handedOut++;
          got.push(slots.add(id));
          expected.push(slot);
          model.set(id, slot);
        } else if (op === 'delete' && model.has(id)) {
          got.push(slots.delete(id));
          expected.push(model.get(id)!);
          free.push(model.get(id)!);
          model.delete(id);
        }
        got.push(slots.size);
        expected.push(model.size);
      }
      for (let id = 0; id <= 3000; id++) {
        got.push(slots.get(id));
        expected.push(model.get(id) ?? -1);
      }
      expect(got).toEqual(expected);
    },
  );
});
