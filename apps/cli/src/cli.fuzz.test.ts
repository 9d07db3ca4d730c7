/**
 * Fuzzing the command line: random argument vectors from the CLI's own words (commands, every flag, flags
 * misspelt, values of every kind: small fixtures, folders, missing and unreadable paths, numbers out of
 * range, garbage). Whatever the vector, `main` exits with a code that is not a bug's (70) or rejects with an
 * HvsimError, prints no stack trace and no raw control characters, explains every non-zero exit, and
 * returns in time. Each case is kept fast: no experiment or demo runs, and scenarios are the tiny fixtures.
 * FUZZ_RUNS sets the cases (`pnpm fuzz`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HvsimError } from '@hvsim/spec';
import { fuzzRuns, fuzzTimeout } from '@hvsim/spec/testing';
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { main } from './cli';
import { capture, FIXTURES, SMALL, TRACES } from './test-support';

// Relative paths, and what a case writes (--out, --chart), land in this folder: the captured Io's cwd.
const temp = mkdtempSync(join(tmpdir(), 'hvsim-cli-fuzz-'));
const tempFile = join(temp, 'a-file.txt');
writeFileSync(tempFile, 'not a scenario\n');
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** Commands, and words that are not (`demo` and `score` without a scenario come as phrases below). */
const command = fc.constantFrom(
  'run',
  'mrc',
  'dedup',
  'validate',
  'list',
  'schema',
  'reproduce',
  'help',
  'rum',
  'validat',
  'RUN',
  'demo2',
  '',
);

/** Every flag of every command, a few misspelt, and the global ones. */
const flag = fc.constantFrom(
  '--debug',
  '--version',
  '-V',
  '--help',
  '-h',
  '-o',
  '--out',
  '--json',
  '--no-charts',
  '-q',
  '--quiet',
  '--check-invariants',
  '--trace-format',
  '--sizes',
  '--format',
  '--shards',
  '--chart',
  '--obj-id-col',
  '--has-header',
  '--delimiter',
  '--jsno',
  '--outt',
  '--check-invariant',
  '--shards=0.5',
  '--format=csv',
  '-x',
  '---json',
  '--',
);

/** Values: files of every kind (never a real experiment's name, so nothing long runs), numbers, garbage. */
const value = fc.oneof(
  fc.constantFrom(
    SMALL,
    join(FIXTURES, 'broken.yaml'),
    join(FIXTURES, 'refusal.yaml'),
    ...[
      'example.hvsim.csv',
      'true.csv',
      'true.hvsim.csv',
      'true.lackey',
      'true.oracleGeneral',
      'true.txt',
    ].map((file) => join(TRACES, file)),
    temp,
    tempFile,
    join(temp, 'missing.yaml'),
    '/proc/x',
    '/nonexistent/dir/x',
    'relative.yaml',
    'out',
    'out.svg',
    'out.png',
    'chart.txt',
  ),
  fc.constantFrom(
    '0',
    '1',
    '-1',
    '0.5',
    '1e99',
    '-0',
    'NaN',
    '',
    ' ',
    '-',
    '1,2,4',
    '10MiB',
    'csv',
    'json',
    'table',
  ),
  fc.constantFrom('lackey', 'txt', 'oracleGeneral', 'hvsim-csv', ',', ';', '\t', 'é', '🙂'),
  fc.string({ maxLength: 6, unit: 'grapheme-ascii' }),
);

/** What a command's argument most often is: a file it can read, which takes it past parsing. */
const operand = fc.constantFrom(SMALL, join(FIXTURES, 'refusal.yaml'), join(TRACES, 'true.lackey'));

/** Whole vectors: mostly a command, its argument and flags with values; also any words in any order. */
const argv: fc.Arbitrary<string[]> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(
        fc.oneof(
          { weight: 4, arbitrary: fc.constant<string[]>([]) },
          flag.map((first) => [first]),
        ),
        command,
        fc.option(fc.oneof(operand, value), { nil: undefined, freq: 5 }),
        fc.array(fc.oneof(flag, value), { maxLength: 5 }),
      )
      .map(([first, name, operand, rest]) => [
        ...first,
        name,
        ...(operand === undefined ? [] : [operand]),
        ...rest,
      ]),
  },
  { weight: 2, arbitrary: fc.array(fc.oneof(command, flag, value), { maxLength: 6 }) },
  // The demo only for its help, and score only on the small fixture: their defaults run for seconds.
  { weight: 1, arbitrary: fc.constantFrom<string[]>(['demo', '--help'], ['help', 'demo'], ['demo', '-h']) },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.oneof(flag, value), { maxLength: 3 })
      .map((rest) => ['score', SMALL, ...rest.filter((word) => word !== '--help' && word !== '-h')]),
  },
);

/** Longest a case may take: the tiny fixtures run in well under a second. */
const CASE_LIMIT_MS = 10_000;

/** A frame of a stack trace (`    at f (file.ts:1:2)`), apart from help text that wraps onto "at". */
const STACK_FRAME = /^\s+at .*:\d+:\d+\)?$/m;
/** Raw control characters: anything but tab, line feed and carriage return. */
const CONTROL = /(?![\t\n\r])\p{Cc}/u;

/** The property for one vector; fails with what went wrong and what was printed. */
async function check(args: string[]): Promise<void> {
  const io = capture(temp);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`took over ${CASE_LIMIT_MS} ms`)), CASE_LIMIT_MS);
  });
  let code: number | undefined;
  let rejection: HvsimError | undefined;
  try {
    code = await Promise.race([main(args, io), timeout]);
  } catch (error) {
    if (!(error instanceof HvsimError)) throw error;
    rejection = error;
  } finally {
    clearTimeout(timer);
  }
  const printed = `${io.stdout.join('')}${io.stderr.join('')}`;
  const explained = `${io.stderr.join('')}${rejection?.message ?? ''}`;
  const fail = (what: string) => {
    throw new Error(
      `${what}\nexit ${code ?? 'rejected'}\nprinted:\n${printed}\nrejection: ${rejection?.message}`,
    );
  };
  if (code === 70) fail('a bug in hvsim (exit 70)');
  if (STACK_FRAME.test(printed) || (rejection && STACK_FRAME.test(rejection.message))) fail('a stack trace');
  if (CONTROL.test(printed) || (rejection && CONTROL.test(rejection.message))) fail('raw control characters');
  if (code !== 0) {
    // Whatever failed is named: a word of the vector (a flag, a file, a value), or what kind of thing it is.
    const names =
      args.some((word) => word.trim() !== '' && explained.includes(word.trim())) ||
      /\b(argument|option|command|field|line|file|folder)\b/i.test(explained);
    if (!names) fail('a failure that names nothing it failed on');
  }
}

const runs = fuzzRuns(300);

describe('hvsim, fuzzed', () => {
  it(
    'any argument vector exits as a user error or a success, in words, in time; never as a bug',
    async () => {
      await fc.assert(fc.asyncProperty(argv, check), { numRuns: runs });
    },
    fuzzTimeout(runs, 200),
  );
});
