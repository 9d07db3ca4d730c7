import { resolve } from 'node:path';
import {
  defineWorkload,
  type OpBatch,
  OpKind,
  scaleOf,
  type Workload,
  type WorkloadContext,
} from '@hvsim/spec';
import { z } from 'zod';
import { contentOptions, createContentModel } from '../content/index';
import { NO_CONTENT } from './decoder';
import {
  MIN_BUFFER_BYTES,
  openTrace,
  TRACE_FORMATS,
  type TraceReader,
  type TraceReaderOptions,
} from './reader';

const common = {
  path: z
    .string({ error: 'expected the path of a trace file' })
    .min(1, 'expected the path of a trace file')
    .describe("the trace file (a relative path starts at the scenario file's folder)"),
  dense: z
    .boolean()
    .optional()
    .describe('number ids as pages 0, 1, 2… in first-seen order (default true, false for hvsim-csv)'),
  loop: z.boolean().default(false).describe('replay from the start when the file ends (default false)'),
  content: contentOptions
    .prefault('unique')
    .describe(
      `what a write stores when the trace gives no content: ${contentOptions.description} (default "unique")`,
    ),
  bufferBytes: z
    .number()
    .int()
    .min(MIN_BUFFER_BYTES)
    .optional()
    .describe('bytes of the read buffer (default 1 MiB)'),
};

const objIdIsNum = z
  .boolean()
  .default(true)
  .describe('ids are integers (default); false reads any text as an id (hashed to 64 bits)');

/** The options of one format; a key of another format is named in the error. */
const formatOptions = <Shape extends z.ZodRawShape>(format: string, shape: Shape) =>
  z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `${issue.keys.map((k) => JSON.stringify(k)).join(', ')} ${issue.keys.length === 1 ? 'is not an option' : 'are not options'} of the ${format} format`
        : undefined,
  });

export const traceOptions = z.discriminatedUnion(
  'format',
  [
    formatOptions('lackey', {
      format: z.literal('lackey').describe('valgrind --tool=lackey --trace-mem=yes output'),
      ...common,
    }),
    formatOptions('txt', {
      format: z.literal('txt').describe("libCacheSim's txt: one object id per line"),
      ...common,
      objIdIsNum,
    }),
    formatOptions('csv', {
      format: z.literal('csv').describe("libCacheSim's csv: an object id column among others"),
      ...common,
      objIdIsNum,
      objIdCol: z.number().int().min(1).default(1).describe('1-based column of the object id (obj-id-col)'),
      timeCol: z
        .number()
        .int()
        .min(1)
        .optional()
        .describe('1-based column of a timestamp, checked, not paced (time-col)'),
      hasHeader: z.boolean().default(false).describe('the first line is a header (has-header)'),
      delimiter: z
        .string()
        .length(1, 'expected one character, such as "," or "\\t"')
        .default(',')
        .describe('field delimiter, one character (delimiter)'),
    }),
    formatOptions('oracleGeneral', {
      format: z.literal('oracleGeneral').describe("libCacheSim's oracleGeneral binary: 24-byte records"),
      ...common,
    }),
    formatOptions('hvsim-csv', {
      format: z.literal('hvsim-csv').describe("hvsim's own csv: op,page[,content] with ops r, w, fr, fw"),
      ...common,
    }),
  ],
  {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? `expected one of ${TRACE_FORMATS.map((f) => `"${f}"`).join(', ')}`
        : undefined,
  },
);

export type TraceOptions = z.output<typeof traceOptions>;
export type TraceOptionsInput = z.input<typeof traceOptions>;

/** A trace replayed as a workload; `close` releases the file early (it is released at the end anyway). */
export interface TraceWorkload extends Workload {
  readonly reader: TraceReader;
  /** Times the trace was restarted from its first record (`loop: true`). */
  readonly loops: number;
  close(): void;
}

/**
 * Replays a trace file: each record becomes one op (Read or Write of a page, or for hvsim-csv FileRead or
 * FileWrite of a disk block), read in batches through a fixed buffer so the file is never held in memory.
 * Writes store the content the trace gives (hvsim-csv) or else what the `content` model says. `fill`
 * returns 0 at the end of the trace unless `loop` restarts it; an empty trace ends even when looping.
 * Records are replayed at the VM's own pace: a trace's timestamps do not schedule ops. In a miniature at
 * scale R, the records of a spatial sample of 1/R of the pages and blocks are replayed (see `openTrace`).
 */
export const trace = defineWorkload({
  name: 'trace',
  description:
    'Replays a memory trace file: valgrind lackey, libCacheSim txt, csv or oracleGeneral, or hvsim-csv.',
  options: traceOptions,
  create(options, ctx): TraceWorkload {
    const { path, format, loop, content: contentChoice, ...rest } = options;
    // The model first: if it throws, no file is left open.
    const model = createContentModel(contentChoice, ctx);
    const reader = openTrace(resolve(ctx.baseDir ?? '', path), format, {
      ...readerOptions(rest),
      scale: scaleOf(ctx),
    });
    let done = false;
    let loops = 0;
    const close = () => {
      done = true;
      reader.close();
    };
    const fill = (batch: OpBatch): number => {
      const { target, kind, content, capacity } = batch;
      let n = 0;
      while (!done && n < capacity) {
        n += reader.nextOps(target, kind, content, n, capacity);
        if (n === capacity) break;
        // The reader stopped short: the end of the trace.
        if (!loop || reader.position === 0) close();
        else {
          reader.rewind();
          loops++;
        }
      }
      for (let i = 0; i < n; i++) {
        const k = kind[i]!;
        if (k === OpKind.Write || k === OpKind.FileWrite) {
          if (content[i] === NO_CONTENT) content[i] = model.contentFor(target[i]!);
        } else content[i] = 0;
      }
      batch.length = n;
      return n;
    };
    return {
      contract: 'workload@1',
      name: 'trace',
      // A miniature keeps a spatial sample of the trace's blocks: neighbours in it were apart in the trace.
      diskBlocks: 'apart',
      reader,
      get loops() {
        return loops;
      },
      fill,
      close,
    };
  },
});

/** `trace.create`, typed as what it returns: a {@link TraceWorkload}, with its reader and `close`. */
export function createTraceWorkload(options: TraceOptionsInput, ctx: WorkloadContext): TraceWorkload {
  return trace.create(options, ctx) as TraceWorkload;
}

/** The reader options among the workload's (dropping those left undefined, for exactOptionalPropertyTypes). */
function readerOptions(
  options: Omit<TraceOptions, 'path' | 'format' | 'loop' | 'content'>,
): TraceReaderOptions {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) if (value !== undefined) out[key] = value;
  return out as TraceReaderOptions;
}
