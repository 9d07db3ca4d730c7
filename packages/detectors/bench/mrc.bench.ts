/**
 * Miss-ratio-curve benchmarks, single thread, on one trace of 10 M references to 1 M pages (Zipf 0.9 over the
 * pages in a random order, generated into a Float64Array before timing):
 * - exact Mattson stack distances: target ≥ 10 M references/s;
 * - SHARDS at a fixed rate of 0.01: target ≥ 100 M references/s, its mean absolute error against exact in the
 *   note;
 * - SHARDS fixed-size with 8 Ki samples: for information, with its error.
 *
 * Each builder streams the trace in batches, as the CLI feeds it from a trace reader, and starts afresh after
 * a full pass; a timed call is one batch, so tinybench gets enough samples of a long trace.
 */
import { type Figure, report, throughput } from '@hvsim/bench-kit';
import { ExactMrc, type MissRatioCurveBuilder, Shards } from '../src/mrc/index';
import { evenSizes, meanAbsoluteError, zipfTrace } from '../src/mrc/test-support';

const REFERENCES = 10_000_000;
const PAGES = 1_000_000;
const ALPHA = 0.9;

const trace = zipfTrace(REFERENCES, PAGES, ALPHA, 42);
const exact = new ExactMrc();
exact.accessAll(trace);
const distinct = exact.stack.distinct;
const sizes = evenSizes(50, distinct);
const exactCurve = exact.curve(sizes);
const workload = `Zipf ${ALPHA} over ${PAGES} pages (${distinct} touched), ${REFERENCES} references`;

/** References per second of a builder streaming the trace in batches of `batch`. */
function streamed(name: string, make: () => MissRatioCurveBuilder, batch: number): Promise<number> {
  let builder = make();
  let at = 0;
  return throughput(name, batch, () => {
    if (at === REFERENCES) {
      builder = make();
      at = 0;
    }
    builder.accessAll(trace, at, at + batch);
    at += batch;
  });
}

async function shardsFigure(name: string, make: () => Shards, target?: number): Promise<Figure> {
  const once = make();
  once.accessAll(trace);
  const error = meanAbsoluteError(exactCurve, once.curve(sizes));
  return {
    name,
    unit: 'references/s',
    value: await streamed(name, make, 1_000_000),
    ...(target === undefined ? {} : { target }),
    better: 'higher',
    note:
      `${workload}; final rate ${once.rate.toPrecision(3)}; mean absolute error against exact ` +
      `${error.toFixed(4)} at 50 sizes evenly spaced to ${distinct}`,
  };
}

report('mrc', [
  {
    name: 'exact MRC (Mattson stack distances)',
    unit: 'references/s',
    value: await streamed('exact', () => new ExactMrc(), 250_000),
    target: 10e6,
    better: 'higher',
    note: `${workload}; batches of 250 000`,
  },
  await shardsFigure('SHARDS fixed rate 0.01 (adjusted)', () => new Shards({ rate: 0.01 }), 100e6),
  await shardsFigure('SHARDS fixed size, 8 Ki samples (adjusted)', () => new Shards({ maxSamples: 8192 })),
]);
