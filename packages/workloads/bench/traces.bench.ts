/**
 * Trace reader benchmarks (issue: trace readers), single thread:
 * - replaying a libCacheSim oracleGeneral file of 10 M records: ≥ 10 M records/s ("Trace replay from a
 *   file: at least 10 M records per second for the binary format");
 * - replaying a valgrind lackey text trace, for information.
 *
 * The oracleGeneral file holds 10 M requests to 1 M distinct objects with sparse 53-bit ids (so the
 * `dense: false` replay can run on it too), drawn from a
 * Zipf(0.9) popularity as cache traces are; each measured replay opens the file afresh, so the dense id map
 * is built from empty every time. Files are written to the OS temporary directory (and so are read from
 * the page cache, not the disk) and deleted afterwards.
 */
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Figure, report, throughput } from '@hvsim/bench-kit';
import { createRandom } from '@hvsim/spec';
import { openTrace, type TraceFormat, type TraceReaderOptions } from '../src/traces/index';
import { fmix32 } from '../src/traces/numbers';

const RECORDS = 10_000_000;
const OBJECTS = 1_000_000;
const LACKEY_RECORDS = 1_000_000;
const BATCH = 4096;
const random = createRandom(7).split('traces-bench');

/** Object ranks 0…OBJECTS-1 with Zipf(alpha) popularity, by inverse transform over the cumulative weights. */
function zipfRanks(count: number, alpha: number): Uint32Array {
  const cdf = new Float64Array(OBJECTS);
  let sum = 0;
  for (let k = 0; k < OBJECTS; k++) cdf[k] = sum += 1 / (k + 1) ** alpha;
  const ranks = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    const u = random.nextFloat() * sum;
    let lo = 0;
    let hi = OBJECTS - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    ranks[i] = lo;
  }
  return ranks;
}

/** Writes `count` records through a 24 MiB buffer, never the whole file in memory. */
function writeOracleGeneral(path: string, ranks: Uint32Array): void {
  const fd = openSync(path, 'w');
  const chunk = new Uint8Array(24 << 20);
  const view = new DataView(chunk.buffer);
  let at = 0;
  for (let i = 0; i < ranks.length; i++) {
    const rank = ranks[i]!;
    view.setUint32(at, i >>> 4, true); // clock_time
    view.setUint32(at + 4, fmix32(rank ^ 0x5bd1e995), true); // obj_id, low half
    view.setUint32(at + 8, fmix32(rank + 0x9e3779b9) & 0x1fffff, true); // obj_id, high half (< 2^53)
    view.setUint32(at + 12, 4096, true); // obj_size
    view.setBigInt64(at + 16, -1n, true); // next_access_vtime (not used by the reader)
    at += 24;
    if (at === chunk.length || i === ranks.length - 1) {
      writeSync(fd, chunk, 0, at);
      at = 0;
    }
  }
  closeSync(fd);
}

function writeLackey(path: string): void {
  const fd = openSync(path, 'w');
  writeSync(fd, '==4242== Lackey, an example Valgrind tool\n==4242== Command: bench\n==4242== \n');
  const lines: string[] = [];
  for (let i = 0; i < LACKEY_RECORDS; i++) {
    const op = i % 2 === 0 ? 'I ' : ' LSM'[1 + random.nextInt(3)];
    const base = op === 'I ' ? 0x0401_0000 : 0x1f_ff00_0000;
    const address = base + random.nextInt(1 << 22);
    lines.push(`${op} ${address.toString(16).padStart(8, '0')},${1 + random.nextInt(8)}`);
    if (lines.length === 65536) {
      writeSync(fd, `${lines.join('\n')}\n`);
      lines.length = 0;
    }
  }
  writeSync(fd, `${lines.join('\n')}\n==4242== \n`);
  closeSync(fd);
}

/** Records per second of a full replay of `path`, opening it afresh for each replay. */
async function replay(path: string, format: TraceFormat, records: number, options: TraceReaderOptions = {}) {
  const pages = new Float64Array(BATCH);
  const writes = new Uint8Array(BATCH);
  let checksum = 0;
  const rate = await throughput(`${format} replay`, records, () => {
    const reader = openTrace(path, format, options);
    let total = 0;
    for (let n = reader.next(pages, writes); n > 0; n = reader.next(pages, writes)) {
      total += n;
      checksum += pages[n - 1]!;
    }
    reader.close();
    if (total !== records) throw new Error(`replayed ${total} records, expected ${records}`);
  });
  return { rate, checksum };
}

const dir = tmpdir();
const oracle = join(dir, `hvsim-bench-${process.pid}.oracleGeneral`);
const lackey = join(dir, `hvsim-bench-${process.pid}.lackey`);
try {
  writeOracleGeneral(oracle, zipfRanks(RECORDS, 0.9));
  writeLackey(lackey);
  const dense = await replay(oracle, 'oracleGeneral', RECORDS);
  const raw = await replay(oracle, 'oracleGeneral', RECORDS, { dense: false });
  const text = await replay(lackey, 'lackey', LACKEY_RECORDS);
  const note = `${RECORDS / 1e6} M records, ${OBJECTS / 1e6} M objects (Zipf 0.9), next() in batches of ${BATCH}`;
  const figures: Figure[] = [
    {
      name: 'oracleGeneral replay from a file, ids mapped to dense pages',
      unit: 'records/s',
      value: dense.rate,
      target: 10e6,
      better: 'higher',
      note: `${note}; a fresh reader (and id map) per replay`,
    },
    {
      name: 'oracleGeneral replay, ids as pages (dense: false)',
      unit: 'records/s',
      value: raw.rate,
      better: 'higher',
      note: `${note}; the ids themselves as pages, no map`,
    },
    {
      name: 'lackey text replay from a file',
      unit: 'records/s',
      value: text.rate,
      better: 'higher',
      note: `${LACKEY_RECORDS / 1e6} M lines of I/L/S/M records over ~2k pages, dense pages`,
    },
  ];
  report('traces', figures);
} finally {
  rmSync(oracle, { force: true });
  rmSync(lackey, { force: true });
}
