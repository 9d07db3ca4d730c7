import { extname } from 'node:path';
import type { TraceCurveOptions } from '@hvsim/experiments';
import type { ChartFile } from '@hvsim/report';
import { HvsimError, MAX_PAGES, parsePages } from '@hvsim/spec';
import { TRACE_FORMATS } from '@hvsim/workloads';
import { checkWritableFile } from './output-path';

/** `hvsim mrc`'s flags as commander hands them over. */
export interface MrcFlags {
  readonly traceFormat?: string;
  readonly sizes?: string[];
  readonly format: string;
  readonly shards?: string;
  readonly chart?: string;
  readonly objIdCol?: string;
  readonly hasHeader?: boolean;
  readonly delimiter?: string;
}

/** What `hvsim mrc` was asked for, every flag checked. */
export interface MrcRequest {
  readonly format: 'table' | 'csv' | 'json';
  readonly chart: ChartFile | undefined;
  readonly options: TraceCurveOptions;
}

/**
 * Checks every flag of `hvsim mrc`, the chart's path included, so a mistake is reported before the trace
 * is read rather than after.
 */
export function mrcRequest(flags: MrcFlags): MrcRequest {
  const format = flags.format;
  if (format !== 'table' && format !== 'csv' && format !== 'json') {
    throw invalid('--format', `expected table, csv or json, got ${JSON.stringify(format)}`);
  }
  const traceFormat = flags.traceFormat;
  if (traceFormat !== undefined && !(TRACE_FORMATS as readonly string[]).includes(traceFormat)) {
    throw invalid(
      '--trace-format',
      `expected one of ${TRACE_FORMATS.join(', ')}, got ${JSON.stringify(traceFormat)}`,
    );
  }
  return {
    format,
    chart: flags.chart === undefined ? undefined : chartFile(flags.chart),
    options: {
      ...(traceFormat === undefined ? {} : { traceFormat }),
      ...(flags.shards === undefined ? {} : { shards: samplingRate(flags.shards) }),
      ...(flags.sizes === undefined ? {} : { sizes: cacheSizes(flags.sizes) }),
      csv: {
        ...(flags.objIdCol === undefined ? {} : { objIdCol: columnNumber(flags.objIdCol) }),
        ...(flags.hasHeader ? { hasHeader: true } : {}),
        ...(flags.delimiter === undefined ? {} : { delimiter: flags.delimiter }),
      },
    },
  };
}

/**
 * `--sizes` as libCacheSim users type them: separated by commas and/or blanks, in one argument or many, each
 * a whole number of pages or a size such as `10MiB`. Returned in increasing order without repeats, as the
 * curve lists them.
 */
export function cacheSizes(values: readonly string[]): number[] {
  const tokens = values
    .join(' ')
    .split(/[\s,]+/)
    .filter((token) => token !== '');
  if (tokens.length === 0) throw invalid('--sizes', 'expected at least one cache size');
  const pages = tokens.map((token) => {
    const value = /^\d+$/.test(token)
      ? Number(token)
      : /^\d+(\.\d+)?[a-z]+$/i.test(token)
        ? parsePages(token, '--sizes')
        : Number.NaN;
    if (!(value >= 1 && value <= MAX_PAGES)) {
      throw invalid(
        '--sizes',
        `expected a number of pages (a whole number from 1 to 2^32) or a size such as 10MiB, got ${JSON.stringify(token)}`,
      );
    }
    return value;
  });
  return [...new Set(pages)].sort((a, b) => a - b);
}

/** `--shards`: a decimal rate in (0, 1]. */
function samplingRate(text: string): number {
  const rate = /^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text.trim()) ? Number(text) : Number.NaN;
  if (!(rate > 0 && rate <= 1)) {
    throw invalid('--shards', `expected a sampling rate in (0, 1] such as 0.01, got ${JSON.stringify(text)}`);
  }
  return rate;
}

/** `--obj-id-col`: a 1-based column. */
function columnNumber(text: string): number {
  const column = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!(column >= 1 && Number.isSafeInteger(column))) {
    throw invalid(
      '--obj-id-col',
      `expected a column number (a whole number from 1), got ${JSON.stringify(text)}`,
    );
  }
  return column;
}

/** `--chart`: an .svg or .png file that can be written. */
function chartFile(path: string): NonNullable<MrcRequest['chart']> {
  const extension = extname(path).slice(1).toLowerCase();
  if (extension !== 'svg' && extension !== 'png') {
    throw invalid('--chart', `expected a file name ending in .svg or .png, got ${JSON.stringify(path)}`);
  }
  checkWritableFile(path, '--chart');
  return { path, type: extension };
}

const invalid = (flag: string, message: string) => new HvsimError('invalid-option', message, flag);
