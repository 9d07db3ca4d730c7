import { z } from 'zod';
import { HvsimError } from './errors';
import { scalePages } from './miniature';
import type { Pages, SimTime } from './units';
import { formatTime, MAX_PAGES, parseDuration, parsePages, time, tooLarge } from './units';

// zod schemas for the sizes and durations options take, shared by every package's definitions, so that
// "64MiB", 16384, 0.5 and "50%" mean the same everywhere and every error names the option at fault.

/**
 * A size option as parsed: a whole number of pages, or a fraction of the VM in (0, 1) that
 * {@link resolvePages} turns into pages once the VM is known.
 */
export type SizeOption = number;

const FRACTION_TEXT = /^\s*0?\.\d+\s*$/;
const PERCENT_TEXT = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/;

/** The message of a spec parse error without its field prefix (the definer names the field itself). */
const reason = (error: unknown): string => (error instanceof HvsimError ? error.reason : String(error));

function parseSizeOption(input: number | string, allowZero: boolean): SizeOption {
  if (typeof input === 'number') {
    if (input > 0 && input < 1) return input;
    if (!Number.isInteger(input) || input < 0) {
      throw new Error(`expected a whole number of pages or a fraction of the VM in (0, 1), got ${input}`);
    }
  } else if (FRACTION_TEXT.test(input)) {
    return Number(input);
  } else {
    const percent = PERCENT_TEXT.exec(input);
    if (percent) {
      const value = Number(percent[1]) / 100;
      if (value > 0 && value < 1) return value;
      throw new Error(
        `expected a percentage of the VM between 0% and 100% exclusive, got ${JSON.stringify(input)}`,
      );
    }
    try {
      input = parsePages(input);
    } catch (error) {
      throw new Error(reason(error));
    }
  }
  if (input === 0 && !allowZero) throw new Error('expected at least one page, got 0');
  if (input > MAX_PAGES) throw new Error(tooLarge(input));
  return input;
}

const SIZE_HELP = 'pages, a size such as "64MiB", or a fraction of the VM such as 0.5 (or "50%")';

const sizeSchema = (allowZero: boolean) =>
  z
    .union([z.number(), z.string()], { error: `expected ${SIZE_HELP}` })
    .transform((input, ctx): SizeOption => {
      try {
        return parseSizeOption(input, allowZero);
      } catch (error) {
        ctx.issues.push({ code: 'custom', message: (error as Error).message, input });
        return z.NEVER;
      }
    });

/**
 * A size: a page count (`16384`), a size string (`"64MiB"`) or a fraction of the VM's memory — a number
 * strictly between 0 and 1 (`0.5`), or a percentage string (`"50%"`). Resolve it with {@link resolvePages}.
 * `default` is given as a user would write it.
 */
export function sizeOption(
  description: string,
  options: { readonly default: number | string; readonly allowZero?: boolean },
) {
  return sizeSchema(options.allowZero ?? false)
    .prefault(options.default)
    .describe(`${description} — ${SIZE_HELP} (default ${JSON.stringify(options.default)})`);
}

/** A size option that may be left out. */
export const optionalSizeOption = (description: string, options: { readonly allowZero?: boolean } = {}) =>
  sizeSchema(options.allowZero ?? false)
    .optional()
    .describe(`${description} — ${SIZE_HELP}`);

/** A size option without a default. */
export const requiredSizeOption = (description: string, options: { readonly allowZero?: boolean } = {}) =>
  sizeSchema(options.allowZero ?? false).describe(`${description} — ${SIZE_HELP}`);

/**
 * Pages of a parsed size option; fractions of the VM round to the nearest page, and to at least one. In a
 * miniature at `scale`, `vmPages` is already the miniature VM's, and a size in pages is divided by the scale.
 */
export function resolvePages(size: SizeOption, vmPages: Pages, scale = 1): Pages {
  return size > 0 && size < 1 ? Math.max(1, Math.round(size * vmPages)) : scalePages(size, scale);
}

const DURATION_HELP = 'a duration such as "30s", "250ms", "2min", or nanoseconds';

const durationSchema = () =>
  z
    .union([z.number(), z.string()], {
      error: 'expected a duration such as "30s" or a number of nanoseconds',
    })
    .transform((input, ctx): SimTime => {
      try {
        return parseDuration(input);
      } catch (error) {
        ctx.issues.push({ code: 'custom', message: reason(error), input });
        return z.NEVER;
      }
    });

/** A duration: a string such as `"30s"`, `"250ms"`, `"2min"`, or a number of nanoseconds. */
export const durationOption = (description: string, options: { readonly default: number | string }) =>
  durationSchema()
    .prefault(options.default)
    .describe(`${description} — ${DURATION_HELP} (default ${JSON.stringify(options.default)})`);

/** The shortest period a run repeats something at: sampling, scanning, rebalancing, deciding. */
export const MIN_PERIOD: SimTime = time.ms(1);

/**
 * A duration at least `floor` long. A bare number is nanoseconds, so `period: 1` means 1 ns: a run that
 * samples or scans that often never finishes, which is a typo, not a study.
 */
export const atLeast = <T extends z.ZodType<number | undefined>>(floor: SimTime, schema: T) =>
  schema.refine((t) => t === undefined || t >= floor, {
    error: (issue) =>
      `expected at least ${formatTime(floor)} (a bare number is nanoseconds; write units, such as "10ms"), got ${formatTime(issue.input as number)}`,
  });

/** A period: a duration option of at least `MIN_PERIOD`. */
export const periodOption = (description: string, options: { readonly default: number | string }) =>
  atLeast(MIN_PERIOD, durationOption(description, options));

export const requiredDurationOption = (description: string) =>
  durationSchema().describe(`${description} — ${DURATION_HELP}`);

/** A duration option that may be left out. */
export const optionalDurationOption = (description: string) =>
  durationSchema().optional().describe(`${description} — ${DURATION_HELP}`);
