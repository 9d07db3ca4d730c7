import { InvalidInputError } from '@hvsim/spec';
import { describe, expect, it } from 'vitest';
import { formatSi, formatTable } from './table';

describe('formatTable', () => {
  it('aligns columns: text left, numbers right, a rule under the header, no trailing spaces', () => {
    const text = formatTable([
      { vm: 'vm1', pages: 1024, throughput: '12.3 M ops/s' },
      { vm: 'database-server', pages: 7, throughput: '950 k ops/s' },
    ]);
    expect(text).toBe(
      [
        'vm               pages  throughput',
        '---------------  -----  ------------',
        'vm1               1024  12.3 M ops/s',
        'database-server      7  950 k ops/s',
        '',
      ].join('\n'),
    );
  });

  it('takes columns, alignment, decimals and gap from options; missing cells are empty', () => {
    const text = formatTable(
      [{ name: 'a', ratio: 0.5 }, { name: 'bb', ratio: 2, extra: 'x' }, { name: 'c' }],
      {
        columns: ['ratio', 'name'],
        align: { name: 'right' },
        digits: 2,
        gap: ' | ',
      },
    );
    expect(text).toBe(
      ['ratio | name', '----- | ----', ' 0.50 |    a', '    2 |   bb', '      |    c', ''].join('\n'),
    );
  });

  it('prints numbers exactly by default and counts characters, not bytes', () => {
    const text = formatTable([{ t: 'µs', v: 0.1 + 0.2 }]);
    expect(text.split('\n')).toEqual([
      't                     v',
      '--  -------------------',
      'µs  0.30000000000000004',
      '',
    ]);
  });

  it('gives nothing for no columns and rejects bad digits', () => {
    expect(formatTable([])).toBe('');
    expect(formatTable([], { columns: ['a'] })).toBe('a\n-\n');
    expect(() => formatTable([{ a: 1 }], { digits: -1 })).toThrow(InvalidInputError);
  });
});

describe('formatSi', () => {
  it.each([
    [12_345_678, 'ops/s', '12.3 M ops/s'],
    [950_000, 'ops/s', '950 k ops/s'],
    [999_999, 'ops/s', '1 M ops/s'],
    [999.9, 'pages', '1 k pages'],
    [1, 'pages', '1 pages'],
    [0.00042, 's', '420 µs'],
    [2.5e9, 'B', '2.5 GB'],
    [-1500, 'Hz', '-1.5 kHz'],
    [1500, '', '1.5 k'],
    [0, 'ops/s', '0 ops/s'],
    [Number.NaN, 's', 'NaN s'],
    [Number.POSITIVE_INFINITY, '', 'Infinity'],
    [1e24, 'ops/s', '1000000 E ops/s'],
  ])('formatSi(%d, %j) is %j', (value, unit, expected) => {
    expect(formatSi(value, unit)).toBe(expected);
  });

  it('takes the number of significant digits', () => {
    expect(formatSi(12_345_678, 'ops/s', { digits: 5 })).toBe('12.346 M ops/s');
    expect(() => formatSi(1, 's', { digits: 0 })).toThrow(InvalidInputError);
  });
});
