import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createOpBatch, createRandom, type VmId } from '@hvsim/spec';
import { afterAll, describe, expect, it } from 'vitest';
import { SpatialSample } from '../spatial-sample';
import { createTraceWorkload, openTrace, TRACE_FORMATS, type TraceFormat } from './index';
import { denseReference, derivedFixtures, lackeyLine, readAllOps, tempDir } from './test-support';

const temp = tempDir();
afterAll(temp.remove);

/** Distinct sparse page ids, so the sample decides on ids spread over 2^36 rather than on 0, 1, 2… */
const DISTINCT = 20_000;
const ids = Array.from({ length: DISTINCT }, (_, i) => BigInt(i) * 3_428_977n + 0x40_0000n);
/** Each id once in a scrambled order, then 20 000 repeats: 40 000 records. */
const refs = Array.from({ length: 2 * DISTINCT }, (_, j) => ids[(j * (j < DISTINCT ? 7 : 13)) % DISTINCT]!);

/** The same references in every format, written once (lackey: the page's address; others: the id). */
const paths = (() => {
  const lackey = refs
    .map((page, j) => lackeyLine({ op: j % 3 === 0 ? 'S' : 'L', address: (page << 12n) | 0x10n, size: 8 }))
    .join('\n');
  const files: Record<string, string | Uint8Array> = { 'trace.lackey': `${lackey}\n` };
  for (const [name, data] of Object.entries(derivedFixtures(lackey)))
    files[name.replace('true', 'trace')] = data;
  const out = {} as Record<TraceFormat, string>;
  const names: Record<TraceFormat, string> = {
    lackey: 'trace.lackey',
    txt: 'trace.txt',
    csv: 'trace.csv',
    oracleGeneral: 'trace.oracleGeneral',
    'hvsim-csv': 'trace.hvsim.csv',
  };
  for (const format of TRACE_FORMATS) {
    const path = join(temp.dir, names[format]);
    writeFileSync(path, files[names[format]]!);
    out[format] = path;
  }
  return out;
})();

const csvOptions = (format: TraceFormat) =>
  format === 'csv' ? { hasHeader: true, objIdCol: 4, timeCol: 1 } : {};

/** The raw ids behind every op of a reader at `scale`, in order, and the pages they were given. */
function replay(format: TraceFormat, scale: number, bufferBytes = 4096) {
  const reader = openTrace(paths[format], format, { ...csvOptions(format), scale, bufferBytes });
  const ops = readAllOps(reader, 1000);
  const raw = ops.map((o) => reader.rawId(o.target));
  reader.close();
  return { raw, pages: ops.map((o) => o.target), ops };
}

const keptBy = (scale: number) => {
  const sample = new SpatialSample(scale);
  return (id: bigint) => sample.keeps(Number(id & 0xffffffffn), Number(id >> 32n));
};

describe('traces in a miniature', () => {
  it.each([8, 64])('at scale %i keeps about 1/R of the distinct ids, within a binomial bound', (scale) => {
    const kept = ids.filter(keptBy(scale)).length;
    // Binomial(20 000, 1/R): within 5 standard deviations (R = 8: 2500 ± 47; R = 64: 312 ± 18).
    const p = 1 / scale;
    expect(Math.abs(kept - DISTINCT * p)).toBeLessThan(5 * Math.sqrt(DISTINCT * p * (1 - p)));
  });

  it.each(TRACE_FORMATS.map((f) => [f]))(
    '%s keeps every record of a kept id and no other, in order, numbered in first-seen order',
    (format) => {
      const keep = keptBy(8);
      const expected = refs.filter(keep);
      // A small buffer, so the sample's drops cross many refills.
      const { raw, pages } = replay(format, 8, 48);
      expect(raw).toEqual(expected);
      expect(pages).toEqual(denseReference(expected));
    },
  );

  it('keeps the same ids in every format', () => {
    const [first, ...others] = TRACE_FORMATS.map((format) => replay(format, 16).raw);
    for (const other of others) expect(other).toEqual(first);
  });

  it('keeps the same pages, with the same numbers, in two VMs replaying one trace', () => {
    const pagesIn = (vm: number) => {
      const workload = createTraceWorkload(
        { path: paths.oracleGeneral, format: 'oracleGeneral' },
        { random: createRandom(vm).split('trace'), emit: () => {}, vm: vm as VmId, vmPages: 4096, scale: 16 },
      );
      const batch = createOpBatch(512);
      const out: number[] = [];
      for (let n = workload.fill(batch, 0); n > 0; n = workload.fill(batch, 0))
        out.push(...batch.target.subarray(0, n));
      return { out, raw: new Set(out.map((p) => workload.reader.rawId(p))) };
    };
    const one = pagesIn(1);
    const two = pagesIn(2);
    expect(two.out).toEqual(one.out);
    expect(two.raw).toEqual(one.raw);
    expect(one.raw).toEqual(new Set(ids.filter(keptBy(16))));
  });

  it('numbers the kept pages of a trace that is not dense from 0, so they fit the miniature VM', () => {
    const { pages } = replay('hvsim-csv', 16);
    const kept = ids.filter(keptBy(16)).length;
    expect(new Set(pages).size).toBe(kept);
    expect(Math.max(...pages)).toBe(kept - 1);
  });

  it.each(TRACE_FORMATS.map((f) => [f]))('%s at scale 1 reads every record as without a scale', (format) => {
    const full = openTrace(paths[format], format, csvOptions(format));
    const one = openTrace(paths[format], format, { ...csvOptions(format), scale: 1 });
    expect(readAllOps(one, 999)).toEqual(readAllOps(full, 999));
    expect(one.distinctPages).toEqual(full.distinctPages);
  });

  it('rejects a scale below 1 or above MAX_SCALE', () => {
    expect(() => openTrace(paths.txt, 'txt', { scale: 0.5 })).toThrow(/trace\.scale/);
    expect(() => openTrace(paths.txt, 'txt', { scale: 1e6 })).toThrow(/trace\.scale/);
  });
});
