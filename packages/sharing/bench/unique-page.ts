import { PAGE_SIZE } from '@hvsim/spec';

/** A page of bytes no other page holds: xorshift noise from its number. */
export function uniquePage(n: number): Uint8Array {
  const words = new Uint32Array(PAGE_SIZE / 4);
  let x = (n + 1) * 0x9e3779b1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  return new Uint8Array(words.buffer);
}
