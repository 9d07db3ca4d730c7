import { ExactMrc, type MissRatioCurveBuilder, Shards } from '@hvsim/detectors';
import { type ChartSpec, comparisonChart } from '@hvsim/report';
import { HvsimError, type MissRatioCurve, OpKind } from '@hvsim/spec';
import {
  checkTraceFile,
  DenseIdMap,
  openTrace,
  TRACE_FORMATS,
  type TraceFormat,
  type TraceReaderOptions,
} from '@hvsim/workloads';

export interface TraceCurveOptions {
  /** The trace's format; by default from the file name (`.lackey`, `.oracleGeneral`, `.txt`, `.hvsim.csv`, `.csv`). */
  readonly traceFormat?: string;
  /** SHARDS sampling rate in (0, 1]; none: the exact curve. */
  readonly shards?: number;
  /** Cache sizes in pages (positive, increasing); none: a spread up to the largest distance seen. */
  readonly sizes?: readonly number[];
  /** csv traces: how to read them, as libCacheSim's options `obj-id-col`, `has-header` and `delimiter`. */
  readonly csv?: Pick<TraceReaderOptions, 'objIdCol' | 'hasHeader' | 'delimiter'>;
}

export interface TraceCurve {
  readonly trace: string;
  readonly format: TraceFormat;
  readonly method: 'exact' | 'shards';
  readonly rate: number;
  readonly curve: MissRatioCurve;
}

const BATCH = 1 << 16;

/** The format a trace file's name implies, or undefined. */
function traceFormatOf(path: string): TraceFormat | undefined {
  if (path.endsWith('.hvsim.csv')) return 'hvsim-csv';
  const extension = path.slice(path.lastIndexOf('.') + 1);
  return (TRACE_FORMATS as readonly string[]).includes(extension) ? (extension as TraceFormat) : undefined;
}

/**
 * The LRU miss-ratio curve of a trace file, streamed in batches (never loaded whole), exact or by SHARDS.
 * hvsim-csv's file records (`fr`, `fw`) count as pages of their own, apart from its anonymous pages.
 */
export function traceMissRatioCurve(path: string, options: TraceCurveOptions = {}): TraceCurve {
  // A missing file or a folder is said as such, not as a name whose format cannot be told.
  checkTraceFile(path);
  const format = options.traceFormat ?? traceFormatOf(path);
  if (format === undefined) {
    throw new HvsimError(
      'unknown-trace-format',
      `cannot tell the format of ${path} from its name: give --trace-format (${TRACE_FORMATS.join(', ')})`,
      '--trace-format',
    );
  }
  const reader = openTrace(path, format as TraceFormat, { dense: true, ...options.csv });
  const builder: MissRatioCurveBuilder =
    options.shards === undefined ? new ExactMrc() : new Shards({ rate: options.shards });
  const target = new Float64Array(BATCH);
  const kind = new Uint8Array(BATCH);
  const content = new Float64Array(BATCH);
  // hvsim-csv: anonymous pages on even ids, file blocks (numbered densely on their own) on odd ones.
  const blocks = format === 'hvsim-csv' ? new DenseIdMap() : undefined;
  try {
    for (let n = reader.nextOps(target, kind, content); n > 0; n = reader.nextOps(target, kind, content)) {
      if (blocks) {
        for (let i = 0; i < n; i++) {
          const file = kind[i] === OpKind.FileRead || kind[i] === OpKind.FileWrite;
          const id = target[i]!;
          target[i] = file ? 2 * blocks.page(id >>> 0, Math.floor(id / 2 ** 32)) + 1 : 2 * id;
        }
      }
      builder.accessAll(target, 0, n);
    }
  } finally {
    reader.close();
  }
  if (reader.position === 0) throw new HvsimError('empty-trace', 'no references in the trace', path);
  return {
    trace: path,
    format: format as TraceFormat,
    method: options.shards === undefined ? 'exact' : 'shards',
    rate: options.shards ?? 1,
    curve: builder.curve(options.sizes),
  };
}

/** The curve as a chart: miss ratio against cache size, on a log scale of sizes. */
export function curveChart(result: TraceCurve): ChartSpec {
  const { sizes, missRatios } = result.curve;
  return comparisonChart(
    [
      {
        label: result.method === 'exact' ? 'exact (Mattson)' : `SHARDS at rate ${result.rate}`,
        kind: 'simulated',
        points: Array.from(sizes, (x, i) => ({ x, y: missRatios[i]! })),
      },
    ],
    {
      title: `Miss-ratio curve of ${result.trace}`,
      xTitle: 'cache size (pages)',
      yTitle: 'miss ratio',
      xScale: 'log',
    },
  );
}
