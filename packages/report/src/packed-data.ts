/**
 * A chart's rows as columns, the form a report page carries them in: a long series is the same few keys
 * thousands of times over as rows, and its labels repeat in every row. The page (`assets/report.js`) turns
 * them back into rows before it draws.
 */
export interface PackedRows {
  readonly length: number;
  /** Per field, its values in row order: numbers (`null` for none), or codes into `labels` for text. */
  readonly columns: Readonly<Record<string, PackedColumn>>;
}

export type PackedColumn =
  | { readonly numbers: readonly (number | null)[] }
  | { readonly labels: readonly string[]; readonly codes: readonly number[] }
  | { readonly values: readonly unknown[] };

/** Significant digits a number keeps on a page: more than any axis or tooltip shows. */
const DIGITS = 6;

const shortNumber = (value: number): number => Number(value.toPrecision(DIGITS));

function packColumn(values: readonly unknown[]): PackedColumn {
  if (values.every((v) => v === null || v === undefined || typeof v === 'number')) {
    return { numbers: values.map((v) => (typeof v === 'number' ? shortNumber(v) : null)) };
  }
  if (values.every((v) => typeof v === 'string')) {
    const labels: string[] = [];
    const codeOf = new Map<string, number>();
    const codes = (values as string[]).map((v) => {
      let code = codeOf.get(v);
      if (code === undefined) {
        code = labels.push(v) - 1;
        codeOf.set(v, code);
      }
      return code;
    });
    return { labels, codes };
  }
  return { values };
}

/** Rows (plain objects) as columns, a field each, in the order fields first appear. */
export function packRows(rows: readonly Readonly<Record<string, unknown>>[]): PackedRows {
  const fields = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  return {
    length: rows.length,
    columns: Object.fromEntries(fields.map((field) => [field, packColumn(rows.map((row) => row[field]))])),
  };
}

/** A chart spec whose inline rows are named instead, and the packed rows of each name. */
export interface PackedSpec {
  readonly spec: object;
  readonly datasets: Readonly<Record<string, PackedRows>>;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Takes every inline `data: { values: [rows] }` out of a vega-lite spec, in any layer or view, and names it
 * `<prefix>-<n>` instead (vega-lite then reads it from the spec's `datasets`); other data is left as it is.
 */
export function packSpecData(spec: object, prefix: string): PackedSpec {
  const datasets: Record<string, PackedRows> = {};
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (!isRecord(node)) return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      const values = key === 'data' && isRecord(value) ? value['values'] : undefined;
      if (Array.isArray(values) && values.every(isRecord) && Object.keys(value as object).length === 1) {
        const name = `${prefix}-${Object.keys(datasets).length}`;
        datasets[name] = packRows(values);
        out[key] = { name };
      } else {
        out[key] = visit(value);
      }
    }
    return out;
  };
  return { spec: visit(spec) as object, datasets };
}
