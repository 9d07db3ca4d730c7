import { describe, expect, it } from 'vitest';
import { addBlock, createBlockRead } from './block-read';

describe('BlockRead', () => {
  it('starts empty, with room for its capacity and nothing marked shared', () => {
    const read = createBlockRead(4);
    expect(read.length).toBe(0);
    for (const array of [read.ppns, read.blocks, read.contents, read.shared]) expect(array.length).toBe(4);
    expect(read.images).toHaveLength(4);
    expect(Array.from(read.shared)).toEqual([0, 0, 0, 0]);
  });

  it('appends pages in order, each with its image, block and contents', () => {
    const read = createBlockRead(3);
    addBlock(read, 7, 'base', 100, 1e12);
    addBlock(read, 2, 'base#vm1', 101, 42);
    expect(read.length).toBe(2);
    expect(Array.from(read.ppns.subarray(0, 2))).toEqual([7, 2]);
    expect(read.images.slice(0, 2)).toEqual(['base', 'base#vm1']);
    expect(Array.from(read.blocks.subarray(0, 2))).toEqual([100, 101]);
    expect(Array.from(read.contents.subarray(0, 2))).toEqual([1e12, 42]);
    read.length = 0; // used again for the next request
    addBlock(read, 5, 'base', 9, 3);
    expect(read.length).toBe(1);
    expect(read.ppns[0]).toBe(5);
  });
});
