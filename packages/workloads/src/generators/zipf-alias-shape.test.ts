import { createRandom } from '@hvsim/spec';
import { describe, expect, test } from 'vitest';
import { zipfAliasShape } from './zipf-alias-shape';
import { randomPermutation, ZipfAliasTable } from './zipf-sampler';

describe('zipfAliasShape', () => {
  test('tables of one n and exponent share one shape; another n or exponent gets its own', () => {
    const shape = zipfAliasShape(1000, 0.9);
    expect(zipfAliasShape(1000, 0.9)).toBe(shape);
    expect(zipfAliasShape(1000, 0.99)).not.toBe(shape);
    expect(zipfAliasShape(1001, 0.9)).not.toBe(shape);
    expect(shape).toMatchObject({ n: 1000, exponent: 0.9, columns: 1024, coinBits: 22 });
    expect(shape.words).toHaveLength(2048);
    expect(shape.fractions).toHaveLength(1024);
  });

  test('tables sharing a shape keep their own labels', () => {
    const n = 500;
    const labels = [1, 2].map((seed) => randomPermutation(n, createRandom(seed)));
    const plain = new ZipfAliasTable(n, 0.9, createRandom(7));
    const tables = labels.map((l) => new ZipfAliasTable(n, 0.9, createRandom(7), l));
    for (let i = 0; i < 2000; i++) {
      const rank = plain.next();
      expect(tables.map((t) => t.next())).toEqual(labels.map((l) => l[rank]));
    }
  });
});
