type Growable = Int32Array | Uint32Array | Float64Array | Uint8Array;

/** A copy of `array` with room for `length` elements (twice its own length by default), zeros after its own. */
export function grown<T extends Growable>(array: T, length = 2 * array.length): T {
  const bigger = new (array.constructor as new (length: number) => T)(Math.max(length, array.length));
  bigger.set(array);
  return bigger;
}
