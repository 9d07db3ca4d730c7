import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { idleCostFactor, pageCost, pagesForCost, sharesPerPage, type TaxKind } from './idle-tax';

const kind = fc.constantFrom<TaxKind>('flat', 'progressive');
const tau = fc.double({ min: 0, max: 0.99, noNaN: true });

describe('the idle memory tax', () => {
  it('charges an idle page k = 1 / (1 − τ) active pages: 4 at the default 75%', () => {
    expect(idleCostFactor(0.75)).toBe(4);
    expect(pageCost(100, 40, 0.75)).toBe(40 + 4 * 60);
    expect(sharesPerPage(280, 100, 40, 0.75)).toBe(1);
    expect(pageCost(100, 100, 0.75)).toBe(100); // nothing idle, nothing taxed
    expect(pageCost(100, 0, 0)).toBe(100); // no tax: pure shares per page
    expect(() => idleCostFactor(1)).toThrow(/^tau: /);
  });

  it('taxes progressively: a mostly idle VM pays nearly the full rate, a mostly active one little', () => {
    const idle = pageCost(100, 1, 0.75, 'progressive') - 1;
    const busy = pageCost(100, 90, 0.75, 'progressive') - 90;
    expect(idle / 99).toBeCloseTo(1 / (1 - 0.75 * 0.99), 10);
    expect(busy / 10).toBeCloseTo(1 / (1 - 0.75 * 0.1), 10);
  });

  test.prop([
    fc.double({ min: 0, max: 1e6, noNaN: true }),
    fc.double({ min: 0, max: 1e6, noNaN: true }),
    tau,
    kind,
  ])(
    'cost rises with the pages, is never below them nor above the flat tax, and pagesForCost inverts it',
    (pages, active, t, k) => {
      const cost = pageCost(pages, active, t, k);
      expect(cost).toBeGreaterThanOrEqual(pages - 1e-9 * pages);
      expect(cost).toBeLessThanOrEqual(pageCost(pages, active, t, 'flat') * (1 + 1e-12));
      expect(pageCost(pages + 1, active, t, k)).toBeGreaterThan(cost);
      expect(Math.abs(pagesForCost(cost, active, t, k) - pages)).toBeLessThanOrEqual(
        1e-9 * Math.max(1, pages),
      );
    },
  );
});
