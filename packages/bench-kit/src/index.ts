import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { repositoryRoot } from './root';

/** One measured figure beside the target its issue sets. */
export interface Figure {
  readonly name: string;
  readonly unit: string;
  readonly value: number;
  /** The target; a figure without one is reported for information. */
  readonly target?: number;
  /** Whether the target is a floor (throughput) or a ceiling (memory, slowdown). */
  readonly better: 'higher' | 'lower';
  /** How it was measured, for the reader of the JSON. */
  readonly note?: string;
}

export const meets = (f: Figure): boolean =>
  f.target === undefined || (f.better === 'higher' ? f.value >= f.target : f.value <= f.target);

export interface ThroughputOptions {
  /** Milliseconds to sample for (default 2000). */
  readonly time?: number;
  /** Milliseconds to warm up for (default 500), so the JIT has settled. */
  readonly warmupTime?: number;
}

/**
 * Items per second of `fn`, which processes `itemsPerCall` items per call: the median of tinybench's
 * per-call throughput samples, so one slow sample (a GC) does not decide the figure.
 */
export async function throughput(
  name: string,
  itemsPerCall: number,
  fn: () => void,
  options: ThroughputOptions = {},
): Promise<number> {
  const bench = new Bench({ time: options.time ?? 2000, warmupTime: options.warmupTime ?? 500 });
  bench.add(name, fn);
  await bench.run();
  const result = bench.tasks[0]!.result;
  if (result.state !== 'completed') {
    throw new Error(
      `benchmark ${name} did not complete: ${result.state === 'errored' ? result.error : result.state}`,
    );
  }
  return result.throughput.p50 * itemsPerCall;
}

/** What one timed run of a simulation did: operations simulated and the wall seconds they took. */
export interface TimedRun {
  readonly ops: number;
  readonly seconds: number;
}

/**
 * Ops per wall second over `count` runs (after one warm-up run, so the JIT has settled): the median, the
 * range for the note, and the runs themselves.
 */
export function medianRate<R extends TimedRun>(
  run: () => R,
  count = 5,
): { median: number; low: number; high: number; runs: R[] } {
  run();
  const runs = Array.from({ length: count }, run);
  const rates = runs.map((r) => r.ops / r.seconds).sort((a, b) => a - b);
  return { median: rates[Math.floor(count / 2)]!, low: rates[0]!, high: rates.at(-1)!, runs };
}

/**
 * Prints the figures as a table and writes them to `bench-results/<suite>.json`. Sets a failing exit code
 * when a figure misses its target, so the miss cannot scroll by unnoticed.
 */
export function report(suite: string, figures: readonly Figure[]): void {
  console.table(
    figures.map((f) => ({
      figure: f.name,
      measured: `${formatNumber(f.value)} ${f.unit}`,
      target:
        f.target === undefined
          ? '(information)'
          : `${f.better === 'higher' ? '≥' : '≤'} ${formatNumber(f.target)} ${f.unit}`,
      result: f.target === undefined ? '' : meets(f) ? 'pass' : 'MISS',
    })),
  );
  const out = join(repositoryRoot(), 'bench-results');
  mkdirSync(out, { recursive: true });
  const file = join(out, `${suite}.json`);
  const payload = {
    suite,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    figures: figures.map((f) => ({ ...f, pass: meets(f) })),
  };
  writeFileSync(file, `${JSON.stringify(payload, null, 2)}\n`);
  console.log(`wrote ${file}`);
  if (!figures.every(meets)) process.exitCode = 1;
}

function formatNumber(value: number): string {
  if (Math.abs(value) >= 1e6) return `${(value / 1e6).toFixed(1)} M`;
  if (Math.abs(value) >= 1e3) return `${(value / 1e3).toFixed(1)} k`;
  return value.toFixed(2);
}

export * from './browser';
