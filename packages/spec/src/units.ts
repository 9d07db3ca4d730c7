import { InvalidInputError } from './errors';
import type { Bytes, Pages, SimTime } from './quantities';

/** Bytes in one page (and one frame). Everything inside hvsim counts pages; bytes appear only at the edges. */
export const PAGE_SIZE = 4096;

// The quantities' types live apart, so that errors can name them without importing the parsers.
export type { Bytes, Pages, SimTime } from './quantities';

const SIZE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1000,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1000 ** 4,
  tib: 1024 ** 4,
};

const SIZE_PATTERN = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i;

/**
 * Parses "256MiB", "1.5 GiB", "4096" (bytes) or a number of bytes. `k`, `m`, `g`, `t` without a `b` are
 * binary units, as in most hypervisor configuration files; `KB`, `MB`… are decimal.
 */
export function parseSize(input: string | number, field = 'size'): Bytes {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0 || !Number.isInteger(input)) {
      throw new InvalidInputError(field, `expected a whole, non-negative number of bytes, got ${input}`);
    }
    return input;
  }
  const match = SIZE_PATTERN.exec(input);
  const unit = match ? SIZE_UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined) {
    throw new InvalidInputError(
      field,
      `expected a size such as "256MiB", "1.5GiB" or a number of bytes, got ${JSON.stringify(input)}`,
    );
  }
  // Exact decimal arithmetic: in floats "1.001KB" would be 1000.9999999999999 bytes.
  const [whole, fraction = ''] = match[1]!.split('.');
  const scaled = BigInt(whole! + fraction) * BigInt(unit);
  const divisor = 10n ** BigInt(fraction.length);
  const bytes = Number(scaled / divisor);
  if (scaled % divisor !== 0n || !Number.isSafeInteger(bytes)) {
    throw new InvalidInputError(field, `expected a whole number of bytes, got ${JSON.stringify(input)}`);
  }
  return bytes;
}

/** Parses a size (see {@link parseSize}) that must be a whole number of 4 KiB pages, and returns pages. */
export function parsePages(input: string | number, field = 'size'): Pages {
  const bytes = parseSize(input, field);
  if (bytes % PAGE_SIZE !== 0) {
    throw new InvalidInputError(field, `expected a multiple of 4 KiB pages, got ${bytes} bytes`);
  }
  return bytes / PAGE_SIZE;
}

export const pagesToBytes = (pages: Pages): Bytes => pages * PAGE_SIZE;

/**
 * The most pages a size may name: 16 TiB, past any host or VM hvsim models (a VM's state is several bytes a
 * page), so a slip of the exponent is an error here rather than an allocation that fails deep in a run.
 */
export const MAX_PAGES: Pages = 2 ** 32;

/** The message for a size above {@link MAX_PAGES}. */
export const tooLarge = (pages: Pages): string =>
  `expected at most ${formatBytes(pagesToBytes(MAX_PAGES))} (${MAX_PAGES} pages), got ${pages} pages`;

/** Pages needed to hold `bytes` (rounded up). */
export const bytesToPages = (bytes: Bytes): Pages => Math.ceil(bytes / PAGE_SIZE);

/** "256 MiB"-style rendering with binary units, for reports. */
export function formatBytes(bytes: Bytes): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  const digits = () => (unit === 0 || Number.isInteger(value) ? 0 : Math.abs(value) < 10 ? 2 : 1);
  // Move up a unit while the value, as it would print, reaches 1024 (1048575 B is "1.0 MiB", not "1024.0 KiB").
  while (Math.abs(Number(value.toFixed(digits()))) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(digits())} ${units[unit]}`;
}

/** Simulated-time constructors: `time.ms(5)` is 5 ms in nanoseconds. */
export const time = {
  ns: (n: number): SimTime => n,
  us: (n: number): SimTime => n * 1e3,
  ms: (n: number): SimTime => n * 1e6,
  s: (n: number): SimTime => n * 1e9,
  min: (n: number): SimTime => n * 60e9,
} as const;

const DURATION_UNITS: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  min: 60e9,
  h: 3600e9,
};

const DURATION_PATTERN = /^\s*(\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s|m|min|h)\s*$/;

/** Parses "30s", "15 s", "250ms", "2min" into simulated nanoseconds; a number is taken as nanoseconds. */
export function parseDuration(input: string | number, field = 'duration'): SimTime {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) {
      throw new InvalidInputError(field, `expected a non-negative duration in nanoseconds, got ${input}`);
    }
    return input;
  }
  const match = DURATION_PATTERN.exec(input);
  if (!match) {
    throw new InvalidInputError(
      field,
      `expected a duration such as "30s", "250ms" or "2min", got ${JSON.stringify(input)}`,
    );
  }
  return Number(match[1]) * DURATION_UNITS[match[2]!]!;
}

/** "1.5 s", "250 ms", "12 µs" rendering of simulated time, for reports. */
export function formatDuration(t: SimTime): string {
  if (t >= 60e9) return `${(t / 60e9).toFixed(1)} min`;
  if (t >= 1e9) return `${(t / 1e9).toFixed(2)} s`;
  if (t >= 1e6) return `${(t / 1e6).toFixed(2)} ms`;
  if (t >= 1e3) return `${(t / 1e3).toFixed(2)} µs`;
  return `${t.toFixed(0)} ns`;
}

/**
 * Host time or a duration as a scenario would say it, for messages to users: "0 s", "1 h", "5 min", "312 s",
 * "1.5 s", "250 ms" — whole hours or minutes in those units, anything else at most 3 decimals of the largest
 * unit below a minute it reaches (formatDuration, for measurements, keeps fixed digits instead).
 */
export function formatTime(t: SimTime): string {
  const trimmed = (value: number) => String(Number(value.toFixed(3)));
  if (t >= 3600e9 && t % 3600e9 === 0) return `${t / 3600e9} h`;
  if (t >= 60e9 && t % 60e9 === 0) return `${t / 60e9} min`;
  if (t >= 1e9 || t === 0) return `${trimmed(t / 1e9)} s`;
  if (t >= 1e6) return `${trimmed(t / 1e6)} ms`;
  if (t >= 1e3) return `${trimmed(t / 1e3)} µs`;
  return `${trimmed(t)} ns`;
}
