import { OpKind } from '@hvsim/spec';
import { bufferPool } from '@hvsim/workloads';
import { describe, expect, it } from 'vitest';
import { collect, workloadContext } from './test-support';

describe('buffer-pool', () => {
  const options = {
    pages: 500,
    offset: 100,
    dataBlock: 1000,
    logSize: 40,
    logPerWrite: 0.5,
    writeFraction: 0.2,
  };
  const ops = collect(bufferPool.create(options, workloadContext()), 100, 500);

  it('warms the pool: reads each block once from disk and copies it into its page', () => {
    const read = new Set<number>();
    const loadedAt = new Map<number, number>();
    for (let i = 0; i < ops.kind.length; i++) {
      if (ops.kind[i] !== OpKind.FileRead) continue;
      const block = ops.target[i]!;
      expect(block >= 1000 && block < 1500).toBe(true);
      expect(read.has(block)).toBe(false);
      read.add(block);
      // The copy into the pool comes next.
      expect(ops.kind[i + 1]).toBe(OpKind.Write);
      expect(ops.target[i + 1]).toBe(block - 1000 + 100);
      loadedAt.set(block - 1000 + 100, i);
    }
    // Every pool page touched was loaded first.
    let unloaded = 0;
    for (let i = 0; i < ops.kind.length; i++) {
      const kind = ops.kind[i]!;
      if ((kind === OpKind.Read || kind === OpKind.Write) && !((loadedAt.get(ops.target[i]!) ?? i) < i))
        unloaded++;
    }
    expect(unloaded).toBe(0);
    // Disk reads fade as the pool fills: many in the first tenth, few in the last.
    const tenth = Math.floor(ops.kind.length / 10);
    const readsIn = (from: number) =>
      ops.kind.slice(from, from + tenth).filter((k) => k === OpKind.FileRead).length;
    expect(readsIn(0)).toBeGreaterThan(5 * readsIn(9 * tenth) + 10);
  });

  it('appends to the log in sequence, wrapping, at logPerWrite blocks per update', () => {
    const log: number[] = [];
    let updates = 0;
    for (let i = 0; i < ops.kind.length; i++) {
      if (ops.kind[i] === OpKind.FileWrite) log.push(ops.target[i]!);
      // Updates are writes that are not the copy after a FileRead.
      if (ops.kind[i] === OpKind.Write && ops.kind[i - 1] !== OpKind.FileRead) updates++;
    }
    expect(log.length).toBe(Math.floor(updates * 0.5));
    expect(log).toEqual(log.map((_, j) => 1500 + (j % 40)));
  });

  it('updates about writeFraction of its accesses', () => {
    let reads = 0;
    let updates = 0;
    for (let i = 0; i < ops.kind.length; i++) {
      if (ops.kind[i] === OpKind.Read) reads++;
      if (ops.kind[i] === OpKind.Write && ops.kind[i - 1] !== OpKind.FileRead) updates++;
    }
    // Loads that were reads count as neither; the loads are few beside 50 000 ops.
    expect(Math.abs(updates / (reads + updates) - 0.2)).toBeLessThan(0.02);
  });

  it('rejects a bad log rate, naming it', () => {
    expect(() => bufferPool.create({ logPerWrite: 100 }, workloadContext())).toThrow(
      /logPerWrite: expected a number (of at most|below) /,
    );
  });
});
