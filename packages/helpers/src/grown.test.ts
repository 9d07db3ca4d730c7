import { describe, expect, it } from 'vitest';
import { grown } from './grown';

describe('grown', () => {
  it('copies into an array of the same type, twice as long or as asked, zeros after', () => {
    const doubled = grown(Float64Array.of(1.5, 2));
    expect(doubled).toBeInstanceOf(Float64Array);
    expect([...doubled]).toEqual([1.5, 2, 0, 0]);
    expect([...grown(Int32Array.of(-1), 3)]).toEqual([-1, 0, 0]);
  });
});
