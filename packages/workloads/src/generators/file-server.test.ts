import { OpKind } from '@hvsim/spec';
import { fileServer, zipfPmf } from '@hvsim/workloads';
import { describe, expect, it } from 'vitest';
import { collect, workloadContext } from './test-support';

describe('file-server', () => {
  const options = {
    files: 100,
    fileSize: 16,
    requestSize: 4,
    firstBlock: 5000,
    anonPages: 50,
    offset: 300,
    anonFraction: 0.1,
    readFraction: 0.7,
  };
  const ops = collect(fileServer.create(options, workloadContext()), 200, 1000);
  const fileOps = ops.kind.flatMap((k, i) => (k === OpKind.FileRead || k === OpKind.FileWrite ? [i] : []));

  it('keeps file ops on the file set and anonymous ops on its own memory', () => {
    let anon = 0;
    let outside = 0;
    for (let i = 0; i < ops.kind.length; i++) {
      const kind = ops.kind[i]!;
      const target = ops.target[i]!;
      if (kind === OpKind.Read || kind === OpKind.Write) {
        anon++;
        if (target < 300 || target >= 350) outside++;
      } else if (kind !== OpKind.FileRead && kind !== OpKind.FileWrite) outside++;
      else if (target < 5000 || target >= 5000 + 100 * 16) outside++;
    }
    expect(outside).toBe(0);
    expect(Math.abs(anon / ops.kind.length - 0.1)).toBeLessThan(0.01);
  });

  it('reads and writes each file in sequence, in requests of requestSize blocks', () => {
    // File ops come in runs of 4 consecutive blocks of one file (anonymous ops may fall in between).
    const cursor = new Map<number, number>();
    let reads = 0;
    let broken = 0;
    for (let r = 0; r + 4 <= fileOps.length; r += 4) {
      const blocks = fileOps.slice(r, r + 4).map((i) => ops.target[i]! - 5000);
      const kinds = new Set(fileOps.slice(r, r + 4).map((i) => ops.kind[i]!));
      if (kinds.size !== 1) broken++;
      if (kinds.has(OpKind.FileRead)) reads++;
      const file = Math.floor(blocks[0]! / 16);
      const expected = cursor.get(file) ?? 0;
      for (let j = 0; j < 4; j++) if (blocks[j] !== file * 16 + ((expected + j) % 16)) broken++;
      cursor.set(file, (expected + 4) % 16);
    }
    expect(broken).toBe(0);
    expect(Math.abs(reads / (fileOps.length / 4) - 0.7)).toBeLessThan(0.02);
  });

  it('picks files by Zipf popularity', () => {
    const counts = new Map<number, number>();
    for (const i of fileOps) {
      const file = Math.floor((ops.target[i]! - 5000) / 16);
      counts.set(file, (counts.get(file) ?? 0) + 1);
    }
    const ranked = [...counts.values()].sort((a, b) => b - a);
    const pmf = zipfPmf(100, 0.9);
    const top10 = ranked.slice(0, 10).reduce((a, b) => a + b, 0) / fileOps.length;
    expect(Math.abs(top10 - pmf.slice(0, 10).reduce((a, b) => a + b, 0))).toBeLessThan(0.02);
  });

  it('thinks after each request: one Compute op of `think` between requests', () => {
    const thinking = collect(
      fileServer.create({ ...options, anonFraction: 0, think: '2ms' }, workloadContext()),
      50,
      1000,
    );
    // Four file ops (a request), then 2 ms of compute, and so on.
    const kinds = thinking.kind.slice(0, 15);
    expect(kinds.map((k) => (k === OpKind.Compute ? 'c' : 'f')).join('')).toBe('ffffcffffcffffc');
    const computes = thinking.kind.flatMap((k, i) => (k === OpKind.Compute ? [thinking.target[i]] : []));
    expect(new Set(computes)).toEqual(new Set([2e6]));
  });

  it('rejects a bad mix, naming the field', () => {
    expect(() => fileServer.create({ readFraction: 2 }, workloadContext())).toThrow(
      /readFraction: expected a number of at most 1, got 2/,
    );
    expect(() => fileServer.create({ files: 0 }, workloadContext())).toThrow(
      /files: expected a number (of at least|above) /,
    );
    expect(() => fileServer.create({ fileSize: '1000B' }, workloadContext())).toThrow(
      /fileSize: expected a multiple/,
    );
  });
});
