import { describe, expect, it } from 'vitest';
import { ContentNumbers } from './content-numbers';

describe('ContentNumbers', () => {
  it('numbers contents in the order first seen, found again by hash and compare', () => {
    const numbers = new ContentNumbers();
    const contents = ['a', 'b', 'c'];
    const same = (content: string) => (n: number) => contents[n] === content;
    expect(numbers.find(0, 1, same('a'))).toBe(-1);
    expect(numbers.add(0, 1)).toBe(0);
    expect(numbers.add(5, 1)).toBe(1);
    expect(numbers.find(0, 1, same('a'))).toBe(0);
    expect(numbers.find(5, 1, same('b'))).toBe(1);
    expect(numbers.size).toBe(2);
  });

  it('gives contents of equal hashes a number each, each found by its compare', () => {
    const numbers = new ContentNumbers();
    const contents: string[] = [];
    const intern = (content: string) => {
      const found = numbers.find(3, 3, (n) => contents[n] === content);
      if (found >= 0) return found;
      contents.push(content);
      return numbers.add(3, 3);
    };
    expect(['x', 'y', 'x', 'z', 'y'].map(intern)).toEqual([0, 1, 0, 2, 1]);
    expect(numbers.size).toBe(3);
  });
});
