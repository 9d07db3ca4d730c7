import { fc, test } from '@fast-check/vitest';
import { createOpBatch, OpKind } from '@hvsim/spec';
import { describe, expect } from 'vitest';

describe('createOpBatch', () => {
  test.each([0, 1, 64, 4096])('a batch of capacity %d', (capacity) => {
    const batch = createOpBatch(capacity);
    expect(batch.capacity).toBe(capacity);
    expect(batch.length).toBe(0);
    expect(batch.kind).toBeInstanceOf(Uint8Array);
    expect(batch.target).toBeInstanceOf(Float64Array);
    expect(batch.content).toBeInstanceOf(Float64Array);
    expect(batch.kind).toHaveLength(capacity);
    expect(batch.target).toHaveLength(capacity);
    expect(batch.content).toHaveLength(capacity);
  });

  test.prop([fc.integer({ min: 1, max: 4096 })])('starts zeroed, with arrays of its own', (capacity) => {
    const batch = createOpBatch(capacity);
    expect(batch.kind.every((k) => k === 0)).toBe(true);
    expect(batch.target.every((t) => t === 0)).toBe(true);
    expect(batch.content.every((c) => c === 0)).toBe(true);
    expect(batch.kind.buffer).not.toBe(batch.target.buffer);
    expect(batch.target.buffer).not.toBe(batch.content.buffer);

    const last = capacity - 1;
    batch.kind[last] = OpKind.FileWrite;
    batch.target[last] = 2 ** 40 + 0.5;
    batch.content[last] = Number.MAX_SAFE_INTEGER;
    batch.length = capacity;
    expect(batch.kind[last]).toBe(OpKind.FileWrite);
    expect(batch.target[last]).toBe(2 ** 40 + 0.5);
    expect(batch.content[last]).toBe(Number.MAX_SAFE_INTEGER);
    expect(batch.target[0]).toBe(capacity === 1 ? 2 ** 40 + 0.5 : 0);
    expect(batch.length).toBe(capacity);
  });

  test('two batches share nothing', () => {
    const a = createOpBatch(8);
    const b = createOpBatch(8);
    a.kind[0] = OpKind.Write;
    a.target[0] = 3;
    a.content[0] = 9;
    expect([b.kind[0], b.target[0], b.content[0]]).toEqual([0, 0, 0]);
  });
});

describe('OpKind', () => {
  const values = Object.values(OpKind);

  test('has seven distinct values', () => {
    expect(Object.keys(OpKind)).toEqual([
      'Read',
      'Write',
      'FileRead',
      'FileWrite',
      'Free',
      'Compute',
      'FileCopy',
    ]);
    expect(new Set(values).size).toBe(values.length);
  });

  test('every value fits the Uint8Array of a batch', () => {
    for (const value of values) {
      expect(Number.isInteger(value)).toBe(true);
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(255);
      expect(Uint8Array.of(value)[0]).toBe(value);
    }
  });

  test('values are stable (they are written into traces)', () => {
    expect(OpKind).toEqual({
      Read: 0,
      Write: 1,
      FileRead: 2,
      FileWrite: 3,
      Free: 4,
      Compute: 5,
      FileCopy: 6,
    });
  });
});
