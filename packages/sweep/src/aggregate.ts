import jstat from 'jstat';

// jstat is CommonJS: its one export is an object.
const { jStat } = jstat;

/** A metric at one point across its seeds. */
export interface SeedStats {
  /** Runs with a value (a failed run, or a VM the run lacks, has none). */
  readonly n: number;
  readonly mean: number;
  /** Sample standard deviation (n − 1); NaN below two runs. */
  readonly sd: number;
  /** The 95% confidence interval of the mean, by Student's t with n − 1 degrees of freedom; NaN below two runs. */
  readonly ciLow: number;
  readonly ciHigh: number;
}

/**
 * The mean, standard deviation and 95% confidence interval of `values` (NaN ones left out). The sums are taken
 * over the values sorted, so the result is the same bit for bit whatever order the runs finished in.
 */
export function seedStats(values: readonly number[]): SeedStats {
  const xs = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  const n = xs.length;
  if (n === 0) return { n, mean: Number.NaN, sd: Number.NaN, ciLow: Number.NaN, ciHigh: Number.NaN };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { n, mean, sd: Number.NaN, ciLow: Number.NaN, ciHigh: Number.NaN };
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  const half = jStat.studentt.inv(0.975, n - 1) * (sd / Math.sqrt(n));
  return { n, mean, sd, ciLow: mean - half, ciHigh: mean + half };
}
