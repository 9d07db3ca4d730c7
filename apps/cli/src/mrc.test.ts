import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { HvsimError, MAX_PAGES } from '@hvsim/spec';
import { describe, expect, it } from 'vitest';
import { main } from './cli';
import { cacheSizes } from './mrc-flags';
import { capture, TRACES } from './test-support';

const TXT = join(TRACES, 'true.txt');
const dir = mkdtempSync(join(tmpdir(), 'hvsim-mrc-'));

/** The cache sizes of the rows `hvsim mrc … --format csv` prints. */
async function sizesPrinted(args: string[]): Promise<number[]> {
  const io = capture();
  expect(await main(['mrc', TXT, '--format', 'csv', ...args], io)).toBe(0);
  return io.stdout
    .join('')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => Number(line.split(',')[0]));
}

/** The message of the HvsimError `hvsim mrc <args>` fails with. */
async function failure(args: string[]): Promise<string> {
  const error = await main(['mrc', ...args], capture()).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HvsimError);
  return (error as Error).message;
}

describe('hvsim mrc --sizes', () => {
  it.each([[['100,1000']], [['100', '1000']], [['100, 1000']], [['1000,100,100']]])(
    'reads lists separated by commas and blanks: %j',
    async (sizes) => {
      expect(await sizesPrinted(['--sizes', ...sizes])).toEqual([100, 1000]);
    },
  );

  it('takes sizes such as 10MiB beside page counts', async () => {
    expect(await sizesPrinted(['--sizes', '10MiB,4KiB', '3'])).toEqual([1, 3, 2560]);
  });

  it.each(['1.5', '1e99', '0', '-3', `${MAX_PAGES + 1}`, '9007199254740993', '0x10', 'ten'])(
    'rejects %s, naming --sizes and the value',
    async (size) => {
      expect(await failure([TXT, '--sizes', size])).toBe(
        `--sizes: expected a number of pages (a whole number from 1 to 2^32) or a size such as 10MiB, got "${size}"`,
      );
    },
  );

  it('rejects a size that is not whole pages or has no known unit', async () => {
    expect(await failure([TXT, '--sizes', '6KiB'])).toBe(
      '--sizes: expected a multiple of 4 KiB pages, got 6144 bytes',
    );
    expect(await failure([TXT, '--sizes', '3XB'])).toMatch(
      /^--sizes: expected a size such as "256MiB".*got "3XB"$/,
    );
    expect(await failure([TXT, '--sizes', ','])).toBe('--sizes: expected at least one cache size');
  });

  test.prop([
    fc.array(fc.integer({ min: 1, max: MAX_PAGES }), { minLength: 1, maxLength: 8 }),
    fc.array(fc.constantFrom(',', ' ', ', ', ' ,', '\t', ',,'), { minLength: 8, maxLength: 8 }),
  ])(
    'cacheSizes: any separators, in one argument or many, give the sorted distinct pages',
    (pages, separators) => {
      const text = pages.map((p, i) => `${p}${separators[i]}`).join('');
      const expected = [...new Set(pages)].sort((a, b) => a - b);
      expect(cacheSizes([text])).toEqual(expected);
      expect(cacheSizes(pages.map(String))).toEqual(expected);
    },
  );
});

describe('hvsim mrc: the trace file', () => {
  it.each([
    ['txt', 'empty.txt', ''],
    ['hvsim-csv with only its header', 'header.hvsim.csv', 'op,page\n'],
    ['oracleGeneral', 'empty.oracleGeneral', ''],
    ['lackey of banner lines', 'banner.lackey', '==1== Lackey, an example Valgrind tool\n\n'],
  ])('an empty %s trace is an error, not a curve', async (_, name, text) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    expect(await failure([path])).toBe(`${path}: no references in the trace`);
  });

  it('a binary file is said to look binary, and none of its bytes reach the terminal', async () => {
    const path = join(dir, 'program.txt');
    writeFileSync(
      path,
      Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, ...Array(200).fill(0x1b), 10, 0x31]),
    );
    const message = await failure([path]);
    expect(message).toBe(`${path}:1: looks like a binary file, not a txt trace: the line holds a NUL byte`);
  });

  it('a folder or a missing file is said to be one, before any guess at the format', async () => {
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    expect(await failure([folder])).toBe(`${folder}: is a directory: expected the path of a trace file`);
    const missing = join(dir, 'missing');
    expect(await failure([missing])).toBe(
      `${missing}: no such trace file: expected the path of an existing file`,
    );
  });
});

describe('hvsim mrc --chart', () => {
  it.each(['x.jpg', 'x.svg.txt', 'svg', 'chart'])('%s is not an .svg or .png file', async (chart) => {
    expect(await failure([TXT, '--chart', join(dir, chart)])).toBe(
      `--chart: expected a file name ending in .svg or .png, got ${JSON.stringify(join(dir, chart))}`,
    );
  });

  it('is checked before the trace is read', async () => {
    const missing = join(dir, 'missing.txt');
    expect(await failure([missing, '--chart', 'x.jpg'])).toMatch(/^--chart: /);
    expect(await failure([missing, '--chart', '/nonexistent/dir/x.svg'])).toBe(
      '--chart: cannot write to /nonexistent/dir/x.svg: the folder /nonexistent/dir does not exist',
    );
  });

  it('writes a PNG to a .png file and an SVG to an .SVG file', async () => {
    const png = join(dir, 'curve.png');
    const svg = join(dir, 'curve.SVG');
    expect(await main(['mrc', TXT, '--sizes', '1,2', '--chart', png], capture())).toBe(0);
    expect(await main(['mrc', TXT, '--sizes', '1,2', '--chart', svg], capture())).toBe(0);
    expect([...readFileSync(png).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg/);
  });
});

describe('hvsim mrc: other flags', () => {
  it.each(['0', '-0.5', '1.5', '2', 'x', '0x1', 'Infinity', ''])(
    '--shards %j is not a rate in (0, 1]',
    async (rate) => {
      expect(await failure([TXT, '--shards', rate])).toBe(
        `--shards: expected a sampling rate in (0, 1] such as 0.01, got ${JSON.stringify(rate)}`,
      );
    },
  );

  it('--shards 1 and 1e-1 are rates', async () => {
    expect(await main(['mrc', TXT, '--shards', '1', '--format', 'csv'], capture())).toBe(0);
    expect(await main(['mrc', TXT, '--shards', '1e-1', '--format', 'csv'], capture())).toBe(0);
  });

  it.each(['0', '1.5', '-1', 'two', '1e3'])('--obj-id-col %j is not a column number', async (column) => {
    expect(await failure([join(TRACES, 'true.csv'), '--obj-id-col', column])).toBe(
      `--obj-id-col: expected a column number (a whole number from 1), got ${JSON.stringify(column)}`,
    );
  });

  it('--format and --trace-format take only their own values', async () => {
    expect(await failure([TXT, '--format', 'xml'])).toBe('--format: expected table, csv or json, got "xml"');
    expect(await failure([TXT, '--trace-format', 'csvv'])).toBe(
      '--trace-format: expected one of lackey, txt, csv, oracleGeneral, hvsim-csv, got "csvv"',
    );
  });
});

describe('hvsim mrc, end to end', () => {
  it('prints the exact curve of a trace as (pages, miss ratio) rows, and charts it', async () => {
    const io = capture();
    const chart = join(dir, 'curve.svg');
    expect(
      await main(
        ['mrc', join(TRACES, 'true.lackey'), '--format', 'csv', '--sizes', '1', '2', '4', '--chart', chart],
        io,
      ),
    ).toBe(0);
    const lines = io.stdout.join('').trim().split('\n');
    expect(lines[0]).toBe('pages,miss_ratio');
    const rows = lines.slice(1).map((l) => l.split(',').map(Number));
    expect(rows.map((r) => r[0])).toEqual([1, 2, 4]);
    // An LRU curve: every ratio in [0, 1], never rising with size.
    for (let i = 0; i < rows.length; i++) {
      expect(rows[i]![1]).toBeGreaterThanOrEqual(0);
      expect(rows[i]![1]).toBeLessThanOrEqual(1);
      if (i > 0) expect(rows[i]![1]).toBeLessThanOrEqual(rows[i - 1]![1]!);
    }
    expect(readFileSync(chart, 'utf8')).toMatch(/^<svg/);
  });

  it('samples with SHARDS on request, and says so in JSON; every format of trace reads', async () => {
    const io = capture();
    await main(['mrc', join(TRACES, 'true.oracleGeneral'), '--shards', '0.5', '--format', 'json'], io);
    expect(JSON.parse(io.stdout.join(''))).toMatchObject({
      format: 'oracleGeneral',
      method: 'shards',
      rate: 0.5,
    });
    for (const file of ['true.txt', 'true.hvsim.csv', 'example.hvsim.csv']) {
      expect(await main(['mrc', join(TRACES, file), '--format', 'json'], capture())).toBe(0);
    }
    const csv = [
      'mrc',
      join(TRACES, 'true.csv'),
      '--trace-format',
      'csv',
      '--obj-id-col',
      '4',
      '--has-header',
    ];
    expect(await main([...csv, '--format', 'json'], capture())).toBe(0);
  });

  it('names the flag at fault', async () => {
    const trace = join(TRACES, 'true.lackey');
    await expect(main(['mrc', join(TRACES, '..', 'README.md')], capture())).rejects.toThrow(/--trace-format/);
    await expect(main(['mrc', trace, '--sizes', 'x'], capture())).rejects.toThrow(/sizes: expected a number/);
    await expect(main(['mrc', trace, '--shards', '2'], capture())).rejects.toThrow(/rate/);
    await expect(main(['mrc', trace, '--format', 'xml'], capture())).rejects.toThrow(
      /format: expected table, csv or json/,
    );
  });
});
