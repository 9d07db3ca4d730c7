import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { InvalidInputError } from './errors';
import { Xoroshiro128Plus } from './xoroshiro128plus';

/**
 * A seeded random stream. Every component draws from its own stream, split from the scenario seed by the
 * component's name, so adding a component (or reordering calls in another one) never shifts anyone else's
 * numbers. pure-rand's generators mutate in place: a stream is not shared across components.
 */
export interface RandomStream {
  /** The seed and path this stream was derived from, e.g. `42/host/vm:web/sampler`. */
  readonly id: string;
  /** A uniform 32-bit unsigned integer. */
  nextU32(): number;
  /** A uniform integer in [0, bound). `bound` must be a positive integer ≤ 2^32. */
  nextInt(bound: number): number;
  /** A uniform integer in [from, to], both included. */
  intBetween(from: number, to: number): number;
  /** A uniform float in [0, 1) with 53 bits of randomness. */
  nextFloat(): number;
  /** An independent stream for a named sub-component; the same name always gives the same stream. */
  split(name: string): RandomStream;
}

/** 32-bit FNV-1a of a string, the name half of a split. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** splitmix32 finaliser: spreads a 32-bit value over all bits so nearby seeds give unrelated states. */
function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Four 32-bit state words from two 32-bit keys; never all zero (xoroshiro's only forbidden state). */
function stateFrom(a: number, b: number): number[] {
  const s0 = mix32(a ^ mix32(b));
  const s1 = mix32(s0 ^ b);
  const s2 = mix32(s1 ^ a);
  const s3 = mix32(s2 ^ 0x5bd1e995);
  return s0 | s1 | s2 | s3 ? [s0, s1, s2, s3] : [1, 0, 0, 0];
}

class Stream implements RandomStream {
  readonly #rng: Xoroshiro128Plus;
  readonly #key: number;
  readonly #salt: number;

  constructor(
    readonly id: string,
    key: number,
    salt: number,
  ) {
    this.#key = key;
    this.#salt = salt;
    this.#rng = new Xoroshiro128Plus(stateFrom(key, salt));
  }

  nextU32(): number {
    return this.#rng.next() >>> 0;
  }

  nextInt(bound: number): number {
    if (!(Number.isInteger(bound) && bound >= 1 && bound <= 2 ** 32)) {
      throw new InvalidInputError('bound', `expected a whole number in [1, 2^32], got ${bound}`);
    }
    return uniformInt(this.#rng, 0, bound - 1);
  }

  intBetween(from: number, to: number): number {
    return uniformInt(this.#rng, from, to);
  }

  nextFloat(): number {
    return uniformFloat64(this.#rng);
  }

  split(name: string): RandomStream {
    // Both halves of the parent's identity go into the child's, so distinct seeds give distinct children.
    const hash = fnv1a(name);
    return new Stream(`${this.id}/${name}`, mix32(this.#key ^ hash), mix32(this.#salt ^ hash));
  }
}

/**
 * The root stream of a run. `seed` is any safe integer; streams for components come from `split(name)`.
 */
export function createRandom(seed: number): RandomStream {
  if (!Number.isSafeInteger(seed)) {
    throw new InvalidInputError('seed', `expected a whole number, got ${seed}`);
  }
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 2 ** 32) >>> 0;
  return new Stream(String(seed), mix32(lo) ^ hi, hi);
}
