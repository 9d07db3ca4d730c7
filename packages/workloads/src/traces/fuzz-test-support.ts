/**
 * Fuzzing the trace readers (not part of the package's API): per format, an arbitrary of traces that are
 * valid to begin with and then mutated (random bytes, truncation, line breaks, other delimiters, huge ids),
 * with reader options to match, and the property every reader must keep on them: it reads ops, or it throws
 * an HvsimError naming the line (or the record of a binary trace) — never another exception, never a hang.
 * `traces.fuzz.test.ts` runs each property, FUZZ_RUNS times in a fuzzing campaign (`pnpm fuzz`).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HvsimError, OpKind } from '@hvsim/spec';
import fc from 'fast-check';
import { openTrace, type TraceFormat, type TraceReader, type TraceReaderOptions } from './reader';
import { type LackeyOp, lackeyLine, oracleGeneralBytes } from './test-support';

/** A trace's bytes and the options it is read with. */
export interface FuzzTrace {
  readonly bytes: Uint8Array;
  readonly options: TraceReaderOptions;
}

const utf8 = new TextEncoder();
const lines = (texts: readonly string[]) => utf8.encode(texts.map((t) => `${t}\n`).join(''));

/** Ids around the edges that matter: small (repeats), 2^53 (float64 exactness), 2^64 (64-bit overflow). */
const id = fc.oneof(
  fc.bigInt(0n, 20n),
  fc.bigInt(0n, 2n ** 64n - 1n),
  fc.constantFrom(2n ** 53n - 1n, 2n ** 53n, 2n ** 64n - 1n, 2n ** 64n),
);
const idText = fc.tuple(id, fc.boolean()).map(([v, hex]) => (hex ? `0x${v.toString(16)}` : `${v}`));
const textId = fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme-ascii' });

const options = (extra: TraceReaderOptions = {}) =>
  fc
    .record({ dense: fc.boolean(), bufferBytes: fc.integer({ min: 32, max: 128 }) })
    .map((o) => ({ ...o, ...extra }));

const lackey: fc.Arbitrary<FuzzTrace> = fc.record({
  options: options(),
  bytes: fc
    .array(
      fc.oneof(
        fc
          .record({
            op: fc.constantFrom<LackeyOp>('I', 'L', 'S', 'M'),
            address: fc.bigInt(0n, 2n ** 64n - 1n),
            size: fc.integer({ min: 1, max: 16 }),
          })
          .map(lackeyLine),
        fc.constantFrom('==18822== Lackey, an example Valgrind tool', '', '  '),
      ),
      { maxLength: 12 },
    )
    .map(lines),
});

const txt: fc.Arbitrary<FuzzTrace> = fc.boolean().chain((objIdIsNum) =>
  fc.record({
    options: options(objIdIsNum ? {} : { objIdIsNum, dense: true }),
    bytes: fc.array(fc.oneof(objIdIsNum ? idText : textId, fc.constant('')), { maxLength: 12 }).map(lines),
  }),
);

const csv: fc.Arbitrary<FuzzTrace> = fc
  .record({
    objIdCol: fc.integer({ min: 1, max: 3 }),
    timeCol: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
    hasHeader: fc.boolean(),
    delimiter: fc.constantFrom(',', ';', '\t', '|', ' '),
  })
  .filter((layout) => layout.timeCol !== layout.objIdCol)
  .chain((layout) => {
    const columns = Math.max(layout.objIdCol, layout.timeCol ?? 0, 2);
    const row = fc
      .tuple(idText, fc.integer({ min: 0, max: 1e6 }), fc.boolean())
      .map(([ids, time, quoted]) =>
        Array.from({ length: columns }, (_, i) =>
          i + 1 === layout.objIdCol
            ? quoted
              ? `"${ids}"`
              : ids
            : i + 1 === layout.timeCol
              ? `${time}`
              : 'x',
        ).join(layout.delimiter),
      );
    const { timeCol, ...rest } = layout;
    return fc.record({
      options: options({ ...rest, ...(timeCol === undefined ? {} : { timeCol }) }),
      bytes: fc
        .array(row, { maxLength: 10 })
        .map((rows) => lines(layout.hasHeader ? ['id,time,etc', ...rows] : rows)),
    });
  });

const oracleGeneral: fc.Arbitrary<FuzzTrace> = fc.record({
  options: options(),
  bytes: fc
    .array(
      fc.record({
        time: fc.nat(),
        id: fc.bigInt(0n, 2n ** 64n - 1n),
        size: fc.nat(),
        next: fc.bigInt(-1n, 2n ** 63n - 1n),
      }),
      { maxLength: 8 },
    )
    .map(oracleGeneralBytes),
});

const hvsimCsv: fc.Arbitrary<FuzzTrace> = fc.boolean().chain((withContent) =>
  fc.record({
    options: options(),
    bytes: fc
      .array(
        fc
          .tuple(fc.constantFrom('r', 'w', 'fr', 'fw'), id, fc.option(fc.nat(), { nil: undefined }))
          .map(([op, page, content]) =>
            withContent && op.endsWith('w') && content !== undefined
              ? `${op},${page},${content}`
              : `${op},${page}`,
          ),
        { maxLength: 10 },
      )
      .map((rows) => lines([withContent ? 'op,page,content' : 'op,page', ...rows])),
  }),
);

/** One change to a trace's bytes at a position (taken modulo its length). */
type Mutation = (bytes: Uint8Array, at: number) => Uint8Array;

const splice = (bytes: Uint8Array, at: number, remove: number, insert: Uint8Array): Uint8Array => {
  const i = at % (bytes.length + 1);
  return Uint8Array.from([...bytes.subarray(0, i), ...insert, ...bytes.subarray(i + remove)]);
};

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 8 }).map(
    (insert): Mutation =>
      (b, at) =>
        splice(b, at, 0, insert),
  ),
  fc.integer({ min: 0, max: 255 }).map(
    (byte): Mutation =>
      (b, at) =>
        splice(b, at, 1, Uint8Array.of(byte)),
  ),
  fc.constant<Mutation>((b, at) => b.subarray(0, at % (b.length + 1))),
  fc.constantFrom('\r\n', '\n', '\n\n', '\r', '\0', ',', ';', '\t', ' ', '"', '0x', '==1==').map(
    (text): Mutation =>
      (b, at) =>
        splice(b, at, 0, utf8.encode(text)),
  ),
  fc
    .constantFrom(
      '18446744073709551616',
      '9007199254740993',
      '99999999999999999999999999',
      '0xffffffffffffffff1',
    )
    .map(
      (huge): Mutation =>
        (b, at) =>
          splice(b, at, 0, utf8.encode(huge)),
    ),
  fc.constantFrom(';', '\t', ' ', '|').map(
    (to): Mutation =>
      (b) =>
        b.map((c) => (c === 44 ? to.charCodeAt(0) : c)),
  ),
);

const TRACES: Record<TraceFormat, fc.Arbitrary<FuzzTrace>> = {
  lackey,
  txt,
  csv,
  oracleGeneral,
  'hvsim-csv': hvsimCsv,
};

/** Traces of `format`, valid or mutated up to three times. */
export function fuzzTrace(format: TraceFormat): fc.Arbitrary<FuzzTrace> {
  return fc
    .tuple(TRACES[format], fc.array(fc.tuple(mutation, fc.nat()), { maxLength: 3 }))
    .map(([trace, mutations]) => ({
      options: trace.options,
      bytes: mutations.reduce((bytes, [mutate, at]) => mutate(bytes, at), trace.bytes),
    }));
}

/**
 * Reads a whole trace written to `path`: returns the ops read, or throws. The reader's own checks (pages,
 * kinds, counts) throw a plain Error, which the property reports like any other unexpected exception.
 */
function readTrace(path: string, format: TraceFormat, trace: FuzzTrace): number {
  let reader: TraceReader | undefined;
  try {
    reader = openTrace(path, format, trace.options);
    const target = new Float64Array(5);
    const kind = new Uint8Array(5);
    const content = new Float64Array(5);
    let ops = 0;
    for (let n = reader.nextOps(target, kind, content); n > 0; n = reader.nextOps(target, kind, content)) {
      for (let i = 0; i < n; i++) {
        if (!Number.isSafeInteger(target[i]) || target[i]! < 0) throw new Error(`page ${target[i]} read`);
        if (kind[i]! > OpKind.FileWrite) throw new Error(`op kind ${kind[i]} read`);
      }
      ops += n;
    }
    return ops;
  } finally {
    reader?.close();
  }
}

/** Where a reader's error must point: `path:line: ` for text traces, `path at record n (byte b): ` for binary. */
function locationPattern(path: string, format: TraceFormat): RegExp {
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return format === 'oracleGeneral'
    ? new RegExp(`^${escaped} at record [1-9]\\d* \\(byte \\d+\\): `)
    : new RegExp(`^${escaped}:[1-9]\\d*: `);
}

/** Longest error message allowed past the path: a sentence and a short excerpt, never the whole line. */
const MAX_MESSAGE = 400;

/**
 * The property for one format: each trace, written to a file in `dir`, either reads (no more ops than it
 * has lines or records) or throws an HvsimError whose message starts with the file and the line or record,
 * holds no control characters and stays short.
 */
export function traceFuzzProperty(format: TraceFormat, dir: string) {
  const path = join(dir, `fuzz.${format}`);
  const location = locationPattern(path, format);
  return fc.property(fuzzTrace(format), (trace) => {
    writeFileSync(path, trace.bytes);
    let ops: number;
    try {
      ops = readTrace(path, format, trace);
    } catch (error) {
      if (!(error instanceof HvsimError)) throw error;
      const message = error.message;
      if (!location.test(message)) throw new Error(`the error does not name the line or record: ${message}`);
      if (/\p{Cc}/u.test(message))
        throw new Error(`the error holds control characters: ${JSON.stringify(message)}`);
      if (message.length > path.length + MAX_MESSAGE) throw new Error(`the error is too long: ${message}`);
      return;
    }
    const records =
      format === 'oracleGeneral' ? trace.bytes.length / 24 : trace.bytes.filter((c) => c === 10).length + 1;
    if (ops > records) throw new Error(`${ops} ops read from ${records} lines or records`);
  });
}
