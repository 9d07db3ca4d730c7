/**
 * The part of a Zipf alias table that depends only on n and the exponent (see ZipfAliasTable): per column, the
 * rank it keeps with its threshold, the rank it gives otherwise, and the threshold's fraction. A table only
 * folds its labels into the first two, so every table of one shape shares the rest: a host of a hundred VMs
 * running the same Zipf workload builds and holds the shape once (16 bytes a column), not a hundred times.
 */
export interface ZipfAliasShape {
  readonly n: number;
  readonly exponent: number;
  /** Columns of the table, a power of two ≥ n (at least 4). */
  readonly columns: number;
  /** Bits of a draw left after the column bits: 32 − log2(columns). */
  readonly coinBits: number;
  /** Column c at words 2c and 2c + 1: own rank << coinBits | ⌊t_c⌋, and the alias's rank. */
  readonly words: Int32Array;
  /** t_c − ⌊t_c⌋ per column, for ties. */
  readonly fractions: Float64Array;
}

/**
 * Shapes alive somewhere, by n and exponent. Held weakly: a shape lives as long as a table uses it, so a
 * long-lived process (a sweep worker) keeps no shape of a run that is over.
 */
const shapes = new Map<string, WeakRef<ZipfAliasShape>>();
const forget = new FinalizationRegistry<string>((key) => {
  // A new shape may have taken the key since this one died.
  if (shapes.get(key)?.deref() === undefined) shapes.delete(key);
});

/** The shape of a table of n ranks with `exponent`: the one already alive, or a new one. */
export function zipfAliasShape(n: number, exponent: number): ZipfAliasShape {
  const key = `${n} ${exponent}`;
  const alive = shapes.get(key)?.deref();
  if (alive !== undefined) return alive;
  const shape = buildShape(n, exponent);
  shapes.set(key, new WeakRef(shape));
  forget.register(shape, key);
  return shape;
}

/** Vose's algorithm over the Zipf weights, then the columns in the form ZipfAliasTable draws from. */
function buildShape(n: number, exponent: number): ZipfAliasShape {
  const bits = Math.max(2, Math.ceil(Math.log2(n)));
  const columns = 2 ** bits;
  // Weights scaled so that they sum to the number of columns.
  const scaled = new Float64Array(columns);
  let total = 0;
  for (let k = 0; k < n; k++) {
    const w = (k + 1) ** -exponent;
    scaled[k] = w;
    total += w;
  }
  const scale = columns / total;
  for (let k = 0; k < n; k++) scaled[k]! *= scale;
  const alias = new Uint32Array(columns);
  // Vose: columns under 1 ("small") stack up from the front of `work`, the others ("large") from the back.
  const work = new Uint32Array(columns);
  let small = 0;
  let large = columns;
  for (let c = 0; c < columns; c++) {
    if (scaled[c]! < 1) work[small++] = c;
    else work[--large] = c;
  }
  while (small > 0 && large < columns) {
    const s = work[--small]!;
    const g = work[large++]!;
    // Column s keeps its own mass and takes the rest of its 1 from g.
    alias[s] = g;
    const rest = scaled[g]! + scaled[s]! - 1;
    scaled[g] = rest;
    if (rest < 1) work[small++] = g;
    else work[--large] = g;
  }
  // What is left is full columns, up to rounding: they keep their own rank (never a rank ≥ n, which has
  // no mass: such a column can only be left over through rounding, and then gives rank 0).
  while (large < columns) {
    const g = work[large++]!;
    scaled[g] = 1;
    alias[g] = g;
  }
  while (small > 0) {
    const s = work[--small]!;
    scaled[s] = s < n ? 1 : 0;
    alias[s] = s < n ? s : 0;
  }
  // The keep chances, scaled to the coin bits (exact: a power-of-two scale).
  const coinBits = 32 - bits;
  const coinScale = 2 ** coinBits;
  const words = new Int32Array(2 * columns);
  const fractions = new Float64Array(columns);
  for (let c = 0; c < columns; c++) {
    const t = scaled[c]! * coinScale;
    // Columns ≥ n never keep (t = 0); a full column keeps always: store it as its own alias.
    const full = t >= coinScale;
    const own = c < n ? c : alias[c]!;
    const whole = full ? 0 : Math.floor(t);
    words[2 * c] = (own << coinBits) | whole;
    words[2 * c + 1] = full ? own : alias[c]!;
    fractions[c] = full ? 0 : t - whole;
  }
  return { n, exponent, columns, coinBits, words, fractions };
}
