import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { type PackedRows, packRows, packSpecData } from './packed-data';

/**
 * Rows back from their packed form by the rules `PackedColumn` documents, as the page's `unpack`
 * (`assets/report.js`) reads them; that the real page draws from them is the browser test's part
 * (apps/cli/src/report-pages.test.ts).
 */
function unpack(packed: PackedRows): Record<string, unknown>[] {
  return Array.from({ length: packed.length }, (_, i) =>
    Object.fromEntries(
      Object.entries(packed.columns).map(([field, column]) => [
        field,
        'numbers' in column
          ? column.numbers[i]
          : 'codes' in column
            ? column.labels[column.codes[i]!]
            : column.values[i],
      ]),
    ),
  );
}

/** What the page receives: the packed rows as JSON text. */
const overJson = <T>(value: T): T => JSON.parse(JSON.stringify(value));

/** A value whose 6 significant digits are all it has: kept exactly. */
const SIX_DIGITS = 5e-6;

describe('packRows', () => {
  test('packs numbers to 6 significant digits, text as labels and codes, anything else as it is', () => {
    const rows = [
      { time_s: 0.1 + 0.2, value: 123456.7, series: 'web', ok: true },
      { time_s: 1 / 3, value: null, series: 'db', ok: 'maybe' },
      { time_s: 1.23456, value: -0, series: 'web' },
    ];
    expect(packRows(rows)).toEqual({
      length: 3,
      columns: {
        time_s: { numbers: [0.3, 0.333333, 1.23456] },
        value: { numbers: [123457, null, 0] },
        series: { labels: ['web', 'db'], codes: [0, 1, 0] },
        ok: { values: [true, 'maybe', undefined] },
      },
    });
  });

  test('takes fields in the order they first appear, and a field some rows lack as none there', () => {
    const packed = packRows([{ b: 1 }, { a: 'x', b: 2 }, { c: 3 }]);
    expect(Object.keys(packed.columns)).toEqual(['b', 'a', 'c']);
    expect(packed.columns['b']).toEqual({ numbers: [1, 2, null] });
    expect(packed.columns['c']).toEqual({ numbers: [null, null, 3] });
    // Text with a gap is no longer all text: it travels as it is.
    expect(packed.columns['a']).toEqual({ values: [undefined, 'x', undefined] });
    expect(packRows([])).toEqual({ length: 0, columns: {} });
  });

  test('sends NaN and the infinities as none, as JSON must', () => {
    const packed = overJson(packRows([{ v: Number.NaN }, { v: Number.POSITIVE_INFINITY }, { v: 1 }]));
    expect(packed.columns['v']).toEqual({ numbers: [null, null, 1] });
  });

  const field = fc.constantFrom('time_s', 'value', 'series', 'vm', 'note');
  const number = fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer({ min: -1e6, max: 1e6 }),
  );
  const cell = fc.oneof(number, fc.constant(null), fc.constantFrom('web', 'db', 'a.b', ''), fc.boolean());
  const row = fc.dictionary(field, cell, { maxKeys: 5 });

  test.prop([fc.array(row, { maxLength: 30 })])(
    'gives the rows back, through JSON, numbers to 6 significant digits',
    (rows) => {
      const packed = overJson(packRows(rows));
      const back = unpack(packed);
      expect(back).toHaveLength(rows.length);
      rows.forEach((original, i) => {
        for (const [key, value] of Object.entries(back[i]!)) {
          if (!(key in original)) {
            // A field this row lacks reads as none.
            expect(value ?? null).toBeNull();
            continue;
          }
          const expected = original[key];
          if (typeof expected === 'number' && 'numbers' in packed.columns[key]!) {
            expect(typeof value).toBe('number');
            // Below the smallest normal float the gap between floats is larger than 6 digits' rounding.
            expect(Math.abs((value as number) - expected)).toBeLessThanOrEqual(
              SIX_DIGITS * Math.abs(expected) + 1e-307,
            );
          } else {
            // JSON has no -0.
            expect(value).toEqual(overJson(expected));
          }
        }
        expect(Object.keys(original).every((key) => key in back[i]!)).toBe(true);
      });
    },
  );

  test.prop([fc.array(fc.constantFrom('web', 'db', 'desktop'), { minLength: 1, maxLength: 40 })])(
    'names each label once, in order of first appearance',
    (labels) => {
      const column = packRows(labels.map((series) => ({ series }))).columns['series'] as {
        labels: string[];
        codes: number[];
      };
      expect(column.labels).toEqual([...new Set(labels)]);
      expect(column.codes.map((code) => column.labels[code])).toEqual(labels);
    },
  );
});

/** A spec made of views that nest (layer, vconcat), each with data of some kind or none. */
const rows = fc.array(
  fc.record({ x: fc.integer({ min: -999_999, max: 999_999 }), series: fc.constantFrom('a', 'b') }),
  { maxLength: 4 },
);
const data = fc.oneof(
  rows.map((values) => ({ values })),
  rows.map((values) => ({ values, format: { type: 'json' } })),
  fc.constant({ values: [1, 2, 3] }),
  fc.constant({ url: 'data/cars.json' }),
  fc.constant({ name: 'given' }),
);
const { view } = fc.letrec((tie) => ({
  view: fc.record(
    {
      title: fc.string({ maxLength: 4 }),
      data,
      mark: fc.constant('line'),
      encoding: fc.constant({ y: { axis: { values: [0, 10] } } }),
      layer: fc.array(tie('view'), { maxLength: 3 }),
      vconcat: fc.array(tie('view'), { maxLength: 2 }),
    },
    { requiredKeys: [] },
  ),
}));

/** Whether a data object is inline rows alone, the kind packSpecData names. */
const inlineRows = (value: unknown): value is { values: Record<string, unknown>[] } =>
  typeof value === 'object' &&
  value !== null &&
  Object.keys(value).length === 1 &&
  Array.isArray((value as { values?: unknown }).values) &&
  (value as { values: unknown[] }).values.every((v) => typeof v === 'object' && v !== null);

/** Every `data` in a spec, depth first. */
function dataOf(node: unknown): unknown[] {
  if (Array.isArray(node)) return node.flatMap(dataOf);
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) => [
    ...(key === 'data' ? [value] : []),
    ...dataOf(value),
  ]);
}

/** The spec with each named dataset put back inline: the input again. */
function inlined(node: unknown, datasets: Readonly<Record<string, PackedRows>>): unknown {
  if (Array.isArray(node)) return node.map((n) => inlined(n, datasets));
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => {
      const name = (value as { name?: string } | null)?.name;
      if (key === 'data' && name !== undefined && name in datasets) {
        return [key, { values: unpack(datasets[name]!) }];
      }
      return [key, inlined(value, datasets)];
    }),
  );
}

describe('packSpecData', () => {
  test('names inline rows at any depth <prefix>-<n>, in order, and packs them', () => {
    const spec = {
      data: { values: [{ x: 1 }] },
      layer: [
        { mark: 'line', data: { values: [{ x: 2 }, { x: 3 }] } },
        { vconcat: [{ data: { values: [{ s: 'a' }] } }] },
      ],
    };
    const packed = packSpecData(spec, 'memory');
    expect(packed.spec).toEqual({
      data: { name: 'memory-0' },
      layer: [{ mark: 'line', data: { name: 'memory-1' } }, { vconcat: [{ data: { name: 'memory-2' } }] }],
    });
    expect(packed.datasets).toEqual({
      'memory-0': packRows([{ x: 1 }]),
      'memory-1': packRows([{ x: 2 }, { x: 3 }]),
      'memory-2': packRows([{ s: 'a' }]),
    });
  });

  test('leaves data with other keys, values that are not rows, and named or remote data alone', () => {
    const spec = {
      layer: [
        { data: { values: [{ x: 1 }], format: { type: 'json' } } },
        { data: { values: [1, 2] } },
        { data: { values: 'x\n1', format: { type: 'csv' } } },
        { data: { url: 'a.json' } },
        { data: { name: 'table' } },
      ],
      encoding: { y: { axis: { values: [{ x: 1 }] } } },
    };
    const packed = packSpecData(spec, 'p');
    expect(packed.spec).toEqual(spec);
    expect(packed.datasets).toEqual({});
  });

  test.prop([view, fc.constantFrom('c', 'vm-0')])(
    'takes out every inline row set and nothing else, without touching its input',
    (spec, prefix) => {
      const before = JSON.stringify(spec);
      const packed = packSpecData(spec, prefix);
      expect(JSON.stringify(spec)).toBe(before);
      const inline = dataOf(spec).filter(inlineRows);
      expect(Object.keys(packed.datasets)).toEqual(inline.map((_, n) => `${prefix}-${n}`));
      expect(dataOf(packed.spec).filter(inlineRows)).toEqual([]);
      // Whole numbers below a million keep every digit, so putting the rows back gives the input exactly.
      expect(inlined(overJson(packed.spec), overJson(packed.datasets))).toEqual(spec);
    },
  );
});
