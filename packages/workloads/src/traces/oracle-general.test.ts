import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect, it } from 'vitest';
import { ORACLE_GENERAL_RECORD_BYTES, openTrace, TraceFormatError } from './index';
import {
  denseReference,
  FIXTURES,
  nextAccess,
  type OracleRecord,
  oracleGeneralBytes,
  readAll,
  tempDir,
} from './test-support';

const temp = tempDir();
afterAll(temp.remove);
let files = 0;
const write = (data: Uint8Array) => {
  const path = join(temp.dir, `t${files++}.oracleGeneral`);
  writeFileSync(path, data);
  return path;
};

describe('oracleGeneral fixture', () => {
  const path = join(FIXTURES, 'true.oracleGeneral');
  const ids = readFileSync(join(FIXTURES, 'true.txt'), 'utf8').trim().split('\n').map(BigInt);

  it('holds 24-byte records of the same references as the txt fixture, with next-access times', () => {
    const bytes = readFileSync(path);
    expect(bytes.length).toBe(ids.length * ORACLE_GENERAL_RECORD_BYTES);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const next = nextAccess(ids);
    for (const i of [0, 1, 100, ids.length - 1]) {
      expect(view.getBigUint64(i * 24 + 4, true)).toBe(ids[i]);
      expect(view.getUint32(i * 24 + 12, true)).toBe(4096);
      expect(view.getBigInt64(i * 24 + 16, true)).toBe(next[i]);
    }
  });

  it.each([32, 100, 1 << 20])(
    'reads one read per record, dense in first-seen order (buffer of %d bytes)',
    (bufferBytes) => {
      const reader = openTrace(path, 'oracleGeneral', { bufferBytes });
      const got = readAll(reader, 64);
      expect(got.pages).toEqual(denseReference(ids));
      expect(got.writes.every((w) => !w)).toBe(true);
      expect(reader.rawId(got.pages.at(-1)!)).toBe(ids.at(-1));
      reader.close();
    },
  );

  it('gives the object ids themselves with dense: false', () => {
    const reader = openTrace(path, 'oracleGeneral', { dense: false });
    expect(readAll(reader).pages).toEqual(ids.map(Number));
    reader.close();
  });
});

const records = (maxId: bigint) =>
  fc.uniqueArray(fc.bigInt({ min: 0n, max: maxId }), { minLength: 1, maxLength: 40 }).chain((pool) =>
    fc.array(
      fc.record({
        time: fc.nat(),
        id: fc.constantFrom(...pool),
        size: fc.nat(),
        next: fc.bigInt({ min: -1n, max: 2n ** 63n - 1n }),
      }),
      { maxLength: 200 },
    ),
  ) as fc.Arbitrary<OracleRecord[]>;

describe('oracleGeneral round trip', () => {
  test.prop([records(2n ** 64n - 1n), fc.integer({ min: 32, max: 300 })])(
    'reads back the object ids written, dense in first-seen order, whatever the buffer size',
    (recs, bufferBytes) => {
      const reader = openTrace(write(oracleGeneralBytes(recs)), 'oracleGeneral', { bufferBytes });
      expect(readAll(reader, 11).pages).toEqual(denseReference(recs.map((r) => r.id)));
      expect(reader.position).toBe(recs.length);
      reader.close();
    },
  );

  test.prop([records(2n ** 53n - 1n)])('reads back the ids themselves with dense: false', (recs) => {
    const reader = openTrace(write(oracleGeneralBytes(recs)), 'oracleGeneral', {
      dense: false,
      bufferBytes: 64,
    });
    expect(readAll(reader).pages).toEqual(recs.map((r) => Number(r.id)));
    reader.close();
  });

  it('an empty file has no records', () => {
    const reader = openTrace(write(new Uint8Array(0)), 'oracleGeneral');
    expect(readAll(reader).pages).toEqual([]);
    reader.close();
  });
});

describe('malformed oracleGeneral traces', () => {
  test.prop([
    fc.integer({ min: 0, max: 20 }),
    fc.integer({ min: 1, max: 23 }),
    fc.integer({ min: 32, max: 200 }),
  ])('a truncated final record names its number, byte offset and size', (whole, extra, bufferBytes) => {
    const recs = Array.from({ length: whole }, (_, i) => ({
      time: i,
      id: BigInt(i % 3),
      size: 1,
      next: -1n,
    }));
    const bytes = new Uint8Array(whole * 24 + extra);
    bytes.set(oracleGeneralBytes(recs));
    const path = write(bytes);
    const reader = openTrace(path, 'oracleGeneral', { bufferBytes });
    const pages = new Float64Array(whole + 5);
    let error: unknown;
    try {
      while (reader.next(pages, new Uint8Array(pages.length)) > 0);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TraceFormatError);
    expect((error as TraceFormatError).byteOffset).toBe(whole * 24);
    expect((error as TraceFormatError).record).toBe(whole + 1);
    expect((error as Error).message).toBe(
      `${path} at record ${whole + 1} (byte ${whole * 24}): expected a whole 24-byte oracleGeneral record (uint32 time, uint64 obj_id, ` +
        `uint32 obj_size, int64 next_access_vtime), found only ${extra} bytes at the end of the file`,
    );
    reader.close();
  });

  it('an id of 2^53 or more with dense: false names the record', () => {
    const path = write(
      oracleGeneralBytes([1n, 2n, 2n ** 53n].map((id) => ({ time: 0, id, size: 0, next: -1n }))),
    );
    const reader = openTrace(path, 'oracleGeneral', { dense: false });
    expect(() => readAll(reader)).toThrow(`${path} at record 3 (byte 48): expected an obj_id below 2^53`);
    reader.close();
  });
});
