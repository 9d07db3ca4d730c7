import { sequential } from '@hvsim/workloads';
import { describe, expect, it } from 'vitest';
import { collect, workloadContext } from './test-support';

describe('sequential', () => {
  it('scans [offset, offset + pages) in order, looping, across batches', () => {
    const ops = collect(sequential.create({ pages: 7, offset: 20 }, workloadContext()), 5, 3);
    expect(ops.target).toEqual([20, 21, 22, 23, 24, 25, 26, 20, 21, 22, 23, 24, 25, 26, 20]);
  });

  it('reads only, when asked to', () => {
    const ops = collect(sequential.create({ pages: 7, writeFraction: 0 }, workloadContext()), 5, 10);
    expect(ops.kind.every((k) => k === 0)).toBe(true);
  });
});
