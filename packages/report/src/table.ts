import { InvalidInputError } from '@hvsim/spec';

export type Cell = string | number;

export interface TableOptions {
  /** Columns and their order (default: every key of the rows, in order of first appearance). */
  readonly columns?: readonly string[];
  /** Decimal places for numbers that are not whole (default: printed exactly, as `String` does). */
  readonly digits?: number;
  /** Alignment per column (default: right for a column whose cells are all numbers, else left). */
  readonly align?: Readonly<Record<string, 'left' | 'right'>>;
  /** Text between columns (default two spaces). */
  readonly gap?: string;
}

/** Width of text in terminal columns, counting code points (no colours or wide characters expected). */
const textWidth = (text: string): number => [...text].length;

function formatCell(value: Cell | undefined, digits: number | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (digits === undefined || Number.isInteger(value) || !Number.isFinite(value)) return String(value);
  return value.toFixed(digits);
}

/**
 * A plain-text table for terminals: a header line, a rule of dashes, then one line per row; columns are
 * padded to their widest cell, numbers right-aligned, text left-aligned, no colours and no trailing spaces.
 * Lines end in `\n`. Cells missing from a row are empty.
 */
export function formatTable(
  rows: readonly Readonly<Record<string, Cell>>[],
  options: TableOptions = {},
): string {
  const { digits, gap = '  ' } = options;
  if (digits !== undefined && (!Number.isInteger(digits) || digits < 0 || digits > 100)) {
    throw new InvalidInputError(
      'digits',
      `expected a whole number of decimal places from 0 to 100, got ${digits}`,
    );
  }
  const columns = options.columns ?? [...new Set(rows.flatMap((row) => Object.keys(row)))];
  if (columns.length === 0) return '';
  const body = rows.map((row) => columns.map((column) => formatCell(row[column], digits)));
  const alignments = columns.map((column) => {
    const given = options.align?.[column];
    if (given !== undefined) return given;
    const cells = rows.map((row) => row[column]).filter((cell) => cell !== undefined);
    return cells.length > 0 && cells.every((cell) => typeof cell === 'number') ? 'right' : 'left';
  });
  const widths = columns.map((column, index) =>
    Math.max(textWidth(column), ...body.map((cells) => textWidth(cells[index]!))),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, index) => {
        const padding = ' '.repeat(widths[index]! - textWidth(cell));
        return alignments[index] === 'right' ? padding + cell : cell + padding;
      })
      .join(gap)
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join(gap);
  return `${[line(columns), rule, ...body.map(line)].join('\n')}\n`;
}

const PREFIXES: readonly (readonly [number, string])[] = [
  [1e18, 'E'],
  [1e15, 'P'],
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
  [1, ''],
  [1e-3, 'm'],
  [1e-6, 'µ'],
  [1e-9, 'n'],
  [1e-12, 'p'],
];

export interface SiOptions {
  /** Significant digits (default 3): 12.3 M, 123 M, 1.23 G. */
  readonly digits?: number;
}

/**
 * A quantity with an SI prefix for reports, rounded to significant digits without trailing zeros:
 * `formatSi(12_345_678, 'ops/s')` is `12.3 M ops/s`, `formatSi(0.00042, 's')` is `420 µs`,
 * `formatSi(1500, '')` is `1.5 k`. Rounding never prints 1000 of a prefix (999 999 is `1 M`).
 * Zero, `NaN` and infinities print without a prefix.
 */
export function formatSi(value: number, unit: string, options: SiOptions = {}): string {
  const digits = options.digits ?? 3;
  if (!Number.isInteger(digits) || digits < 1 || digits > 21) {
    throw new InvalidInputError(
      'digits',
      `expected a whole number of significant digits from 1 to 21, got ${digits}`,
    );
  }
  // A one- or two-letter symbol takes its prefix directly (`µs`, `GB`, `kHz`); a word or a rate gets it
  // spaced (`M ops/s`, `k pages`), which reads better in tables.
  const join = (number: string, prefix: string): string =>
    /^[A-Za-z]{1,2}$/.test(unit)
      ? `${number} ${prefix}${unit}`
      : [number, prefix, unit].filter((part) => part !== '').join(' ');
  if (value === 0 || !Number.isFinite(value)) return join(String(value), '');
  const magnitude = Math.abs(value);
  let index = PREFIXES.findIndex(([scale]) => magnitude >= scale);
  if (index === -1) index = PREFIXES.length - 1;
  let [scale, prefix] = PREFIXES[index]!;
  let text = (value / scale).toPrecision(digits);
  // Rounding up can reach 1000 of this prefix: move one prefix up.
  if (Math.abs(Number(text)) >= 1000 && index > 0) {
    [scale, prefix] = PREFIXES[index - 1]!;
    text = (value / scale).toPrecision(digits);
  }
  // toPrecision switches to exponents past the prefixes' range (1e21 E…); print it plainly then.
  if (text.includes('e')) text = String(Number(text));
  // Trailing zeros carry no information here: "1.50" is "1.5", "2.00" is "2".
  if (text.includes('.')) text = text.replace(/\.?0+$/, '');
  return join(text, prefix);
}
