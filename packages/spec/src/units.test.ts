import { fc, test } from '@fast-check/vitest';
import {
  bytesToPages,
  formatBytes,
  formatDuration,
  formatTime,
  HvsimError,
  InvalidInputError,
  PAGE_SIZE,
  pagesToBytes,
  parseDuration,
  parsePages,
  parseSize,
  time,
} from '@hvsim/spec';
import { pageSizeString, sizeString } from '@hvsim/spec/testing';
import { describe, expect } from 'vitest';

const KiB = 1024;
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const TiB = 1024 ** 4;

/** Runs `fn`, expects it to throw an InvalidInputError and returns it. */
function invalidInput(fn: () => unknown): InvalidInputError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error).toBeInstanceOf(HvsimError);
    return error as InvalidInputError;
  }
  throw new Error('expected an InvalidInputError, nothing was thrown');
}

describe('parseSize', () => {
  test.each([
    ['0', 0],
    ['1', 1],
    ['4096', 4096],
    ['1b', 1],
    ['1B', 1],
    ['512B', 512],
  ])('plain bytes %j', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  test.each([
    ['1k', KiB],
    ['1K', KiB],
    ['8k', 8 * KiB],
    ['1m', MiB],
    ['3M', 3 * MiB],
    ['1g', GiB],
    ['2G', 2 * GiB],
    ['1t', TiB],
    ['1T', TiB],
  ])('binary single-letter unit %j', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  test.each([
    ['1KiB', KiB],
    ['1kib', KiB],
    ['1KIB', KiB],
    ['256MiB', 256 * MiB],
    ['1mib', MiB],
    ['2GiB', 2 * GiB],
    ['1gib', GiB],
    ['1TiB', TiB],
    ['3tib', 3 * TiB],
  ])('binary IEC unit %j', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  test.each([
    ['1KB', 1000],
    ['1kb', 1000],
    ['1MB', 1000 ** 2],
    ['5mb', 5 * 1000 ** 2],
    ['1GB', 1000 ** 3],
    ['2gb', 2 * 1000 ** 3],
    ['1TB', 1000 ** 4],
    ['1tb', 1000 ** 4],
  ])('decimal unit %j', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  test.each([
    ['1.5GiB', 1.5 * GiB],
    ['0.5KiB', 512],
    ['1.25k', 1280],
    ['0.25m', MiB / 4],
    ['2.5MB', 2_500_000],
    ['1.50MB', 1_500_000],
    ['0.000001MB', 1],
    ['1.0B', 1],
    ['1.1KB', 1100],
    ['0.3MB', 300_000],
    // In float arithmetic these come out a hair off a whole number of bytes (1000.9999999999999…).
    ['1.001KB', 1001],
    ['4.1GB', 4_100_000_000],
  ])('fraction %j', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  test.each([
    [' 256 MiB ', 256 * MiB],
    ['256 MiB', 256 * MiB],
    ['\t1.5 GiB\n', 1.5 * GiB],
    ['4096 ', 4096],
    ['  4096', 4096],
    ['2  k', 2 * KiB],
  ])('whitespace %j', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  test.each([0, 1, 4096, 1.5 * GiB, Number.MAX_SAFE_INTEGER])('plain number %d is bytes', (bytes) => {
    expect(parseSize(bytes)).toBe(bytes);
  });

  test('the largest safe sizes parse, one past is refused', () => {
    expect(parseSize('8191TiB')).toBe(8191 * TiB);
    expect(parseSize(String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    invalidInput(() => parseSize('8192TiB'));
    invalidInput(() => parseSize(String(2 ** 53)));
  });

  test.each([
    '',
    '   ',
    'abc',
    'MiB',
    '12 parsecs',
    '12 MiBs',
    '1.2.3GiB',
    '1e3',
    '1e3KB',
    '.5GiB',
    '1.GiB',
    '1 Mi B',
    '0x10',
    '1,5GiB',
    '1_000',
    'Infinity',
    'NaN',
  ])('rejects garbage %j', (text) => {
    const error = invalidInput(() => parseSize(text, 'memory'));
    expect(error.code).toBe('invalid-input');
    expect(error.field).toBe('memory');
    expect(error.message).toMatch(/^memory: /);
    expect(error.message).toContain(JSON.stringify(text));
  });

  test.each(['-1', '-1KiB', '-0.5GiB', '- 1'])('rejects negative %j', (text) => {
    const error = invalidInput(() => parseSize(text, 'vm.memory'));
    expect(error.code).toBe('invalid-input');
    expect(error.message).toMatch(/^vm\.memory: /);
  });

  test.each(['0.5B', '0.5', '1.5', '0.3KiB', '0.0001KB', '1.0000001k'])(
    'rejects a non-integer number of bytes %j',
    (text) => {
      const error = invalidInput(() => parseSize(text, 'swap'));
      expect(error.code).toBe('invalid-input');
      expect(error.field).toBe('swap');
      expect(error.message).toMatch(/^swap: .*whole number of bytes/);
      expect(error.message).toContain(JSON.stringify(text));
    },
  );

  test.each([-1, -4096, 1.5, 0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'rejects the number %d',
    (value) => {
      const error = invalidInput(() => parseSize(value, 'memory'));
      expect(error.code).toBe('invalid-input');
      expect(error.field).toBe('memory');
      expect(error.message).toMatch(/^memory: /);
    },
  );

  test('names the default field "size"', () => {
    const error = invalidInput(() => parseSize('lots'));
    expect(error.field).toBe('size');
    expect(error.message).toMatch(/^size: /);
  });

  test.prop([fc.nat({ max: 1 << 20 }), fc.constantFrom(...(['', ' '] as const))])(
    'binary and decimal units scale whole numbers exactly',
    (n, space) => {
      expect(parseSize(`${n}${space}KiB`)).toBe(n * KiB);
      expect(parseSize(`${n}${space}k`)).toBe(n * KiB);
      expect(parseSize(`${n}${space}MiB`)).toBe(n * MiB);
      expect(parseSize(`${n}${space}KB`)).toBe(n * 1000);
      expect(parseSize(`${n}${space}MB`)).toBe(n * 1000 ** 2);
      expect(parseSize(`${n}${space}GB`)).toBe(n * 1000 ** 3);
    },
  );

  test.prop([fc.nat({ max: 10_000 }), fc.nat({ max: 999 })])(
    'n.ddd KB is exactly n*1000 + ddd bytes',
    (whole, thousandths) => {
      const text = `${whole}.${String(thousandths).padStart(3, '0')}KB`;
      expect(parseSize(text)).toBe(whole * 1000 + thousandths);
    },
  );

  test.prop([sizeString()])('sizeString() round-trips through parseSize', ({ text, bytes }) => {
    expect(parseSize(text)).toBe(bytes);
  });
});

describe('parsePages', () => {
  test.each([
    ['4KiB', 1],
    ['4096', 1],
    ['8k', 2],
    ['1MiB', 256],
    ['256 m', 65536],
    ['1GiB', 262144],
    ['0', 0],
    [0, 0],
    [8192, 2],
  ] as const)('%j is %d pages', (input, pages) => {
    expect(parsePages(input)).toBe(pages);
  });

  test.each(['1KiB', '4095', '4097', '6KiB', '1MB', 1, 4095, 4097, 6144])(
    'rejects %j, not a whole number of pages',
    (input) => {
      const error = invalidInput(() => parsePages(input, 'vm.pages'));
      expect(error.code).toBe('invalid-input');
      expect(error.field).toBe('vm.pages');
      expect(error.message).toMatch(/^vm\.pages: expected a multiple of 4 KiB pages/);
    },
  );

  test('passes the field to parseSize errors', () => {
    const error = invalidInput(() => parsePages('nope', 'host.memory'));
    expect(error.field).toBe('host.memory');
    expect(error.message).toMatch(/^host\.memory: /);
    expect(invalidInput(() => parsePages('3 bytes')).field).toBe('size');
  });

  test.prop([pageSizeString()])('pageSizeString() round-trips through parsePages', ({ text, pages }) => {
    expect(parsePages(text)).toBe(pages);
    expect(parseSize(text)).toBe(pages * PAGE_SIZE);
  });

  test.prop([fc.nat({ max: 1 << 30 }), fc.integer({ min: 1, max: PAGE_SIZE - 1 })])(
    'accepts page multiples and rejects anything in between',
    (pages, offset) => {
      expect(parsePages(pages * PAGE_SIZE)).toBe(pages);
      expect(() => parsePages(pages * PAGE_SIZE + offset)).toThrow(InvalidInputError);
    },
  );
});

describe('pages and bytes', () => {
  test('PAGE_SIZE is 4 KiB', () => {
    expect(PAGE_SIZE).toBe(4096);
  });

  test('pagesToBytes and bytesToPages', () => {
    expect(pagesToBytes(0)).toBe(0);
    expect(pagesToBytes(3)).toBe(3 * 4096);
    expect(bytesToPages(0)).toBe(0);
    expect(bytesToPages(1)).toBe(1);
    expect(bytesToPages(4096)).toBe(1);
    expect(bytesToPages(4097)).toBe(2);
    expect(bytesToPages(GiB)).toBe(262144);
  });

  test.prop([fc.nat({ max: 2 ** 40 })])('bytesToPages rounds up to hold the bytes', (bytes) => {
    const pages = bytesToPages(bytes);
    expect(pagesToBytes(pages)).toBeGreaterThanOrEqual(bytes);
    expect(pagesToBytes(pages) - bytes).toBeLessThan(PAGE_SIZE);
    expect(bytesToPages(pagesToBytes(pages))).toBe(pages);
  });
});

describe('formatBytes', () => {
  test.each([
    [0, '0 B'],
    [1, '1 B'],
    [1023, '1023 B'],
    [1024, '1 KiB'],
    [1536, '1.50 KiB'],
    [10 * KiB + 512, '10.5 KiB'],
    [1000 * KiB, '1000 KiB'],
    [MiB - 1, '1.00 MiB'],
    [MiB, '1 MiB'],
    [256 * MiB, '256 MiB'],
    [2.25 * MiB, '2.25 MiB'],
    [GiB, '1 GiB'],
    [1.5 * GiB, '1.50 GiB'],
    [100.5 * GiB, '100.5 GiB'],
    [TiB, '1 TiB'],
    [2048 * TiB, '2048 TiB'],
    [-2048, '-2 KiB'],
  ])('%d bytes is %j', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  test.prop([
    fc.integer({ min: 1, max: 1023 }),
    fc.constantFrom(
      ...([
        [1, 'B'],
        [KiB, 'KiB'],
        [MiB, 'MiB'],
        [GiB, 'GiB'],
        [TiB, 'TiB'],
      ] as const),
    ),
  ])('a whole number of a unit prints without decimals', (n, [scale, unit]) => {
    expect(formatBytes(n * scale)).toBe(`${n} ${unit}`);
  });
});

describe('parseDuration', () => {
  test.each([
    ['5ns', 5],
    ['12us', 12e3],
    ['12µs', 12e3],
    ['250ms', 250e6],
    ['30s', 30e9],
    ['15 s', 15e9],
    ['2m', 120e9],
    ['2min', 120e9],
    ['2 min', 120e9],
    ['1h', 3600e9],
    ['1.5s', 1.5e9],
    ['0.5ms', 5e5],
    ['0s', 0],
    [' 7 ms ', 7e6],
  ])('%j is %d ns', (text, ns) => {
    expect(parseDuration(text)).toBe(ns);
  });

  test.each([0, 1, 1234.5, 60e9])('the number %d is nanoseconds', (ns) => {
    expect(parseDuration(ns)).toBe(ns);
  });

  test.each([
    '',
    '30',
    'abc',
    's',
    '30 sec',
    '30S',
    '30MS',
    '2 mins',
    '1d',
    '-1s',
    '1e3s',
    '.5s',
    '1.s',
    '1 .5s',
  ])('rejects %j', (text) => {
    const error = invalidInput(() => parseDuration(text, 'sampler.period'));
    expect(error.code).toBe('invalid-input');
    expect(error.field).toBe('sampler.period');
    expect(error.message).toMatch(/^sampler\.period: expected a duration/);
    expect(error.message).toContain(JSON.stringify(text));
  });

  test.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('rejects the number %d', (value) => {
    const error = invalidInput(() => parseDuration(value));
    expect(error.code).toBe('invalid-input');
    expect(error.field).toBe('duration');
    expect(error.message).toMatch(/^duration: /);
  });

  test.prop([
    fc.nat({ max: 1_000_000 }),
    fc.constantFrom(
      ...([
        ['ns', time.ns],
        ['us', time.us],
        ['µs', time.us],
        ['ms', time.ms],
        ['s', time.s],
        ['m', time.min],
        ['min', time.min],
      ] as const),
    ),
  ])('agrees with the time helpers', (n, [unit, helper]) => {
    expect(parseDuration(`${n}${unit}`)).toBe(helper(n));
    expect(parseDuration(`${n} ${unit}`)).toBe(helper(n));
  });
});

describe('time helpers', () => {
  test('convert to nanoseconds', () => {
    expect(time.ns(5)).toBe(5);
    expect(time.us(5)).toBe(5_000);
    expect(time.ms(5)).toBe(5_000_000);
    expect(time.s(2)).toBe(2_000_000_000);
    expect(time.min(1)).toBe(60_000_000_000);
    expect(time.ms(0.5)).toBe(500_000);
  });

  test('units nest', () => {
    expect(time.us(1)).toBe(time.ns(1000));
    expect(time.ms(1)).toBe(time.us(1000));
    expect(time.s(1)).toBe(time.ms(1000));
    expect(time.min(1)).toBe(time.s(60));
    expect(parseDuration('1h')).toBe(time.min(60));
  });
});

describe('formatDuration', () => {
  test.each([
    [0, '0 ns'],
    [1, '1 ns'],
    [999, '999 ns'],
    [1000, '1.00 µs'],
    [12_000, '12.00 µs'],
    [1_500, '1.50 µs'],
    [999_000, '999.00 µs'],
    [1e6, '1.00 ms'],
    [250e6, '250.00 ms'],
    [1e9, '1.00 s'],
    [1.5e9, '1.50 s'],
    [59e9, '59.00 s'],
    [60e9, '1.0 min'],
    [90e9, '1.5 min'],
    [3600e9, '60.0 min'],
  ])('%d ns is %j', (ns, text) => {
    expect(formatDuration(ns)).toBe(text);
  });

  test('renders what parseDuration reads', () => {
    expect(formatDuration(parseDuration('250ms'))).toBe('250.00 ms');
    expect(formatDuration(parseDuration('2min'))).toBe('2.0 min');
    expect(formatDuration(time.us(12))).toBe('12.00 µs');
  });
});

describe('formatTime', () => {
  test.each([
    [0, '0 s'],
    [time.s(60), '1 min'],
    [time.min(5), '5 min'],
    [parseDuration('1h'), '1 h'],
    [parseDuration('2h'), '2 h'],
    [parseDuration('90min'), '90 min'],
    [time.s(312), '312 s'],
    [time.s(1.5), '1.5 s'],
    [time.s(59), '59 s'],
    [time.ms(250), '250 ms'],
    [time.ms(60), '60 ms'],
    [time.us(12.5), '12.5 µs'],
    [999, '999 ns'],
    [time.s(1) + 1, '1 s'],
  ])('%d ns is %j', (ns, text) => {
    expect(formatTime(ns)).toBe(text);
  });

  test.prop([fc.nat({ max: 10 * 3600 * 1000 })])('a whole number of ms reads back exactly', (ms) => {
    expect(parseDuration(formatTime(time.ms(ms)).replace(' ', ''))).toBeCloseTo(time.ms(ms), -1);
  });
});
