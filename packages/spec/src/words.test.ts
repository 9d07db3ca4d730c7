import { describe, expect, test } from 'vitest';
import { countOf } from './words';

describe('countOf', () => {
  test('takes the singular for exactly one and the plural otherwise', () => {
    expect(countOf(1, 'VM')).toBe('1 VM');
    expect(countOf(3, 'VM')).toBe('3 VMs');
    expect(countOf(0, 'event')).toBe('0 events');
    expect(countOf(2, 'copy', 'copies')).toBe('2 copies');
  });
});
