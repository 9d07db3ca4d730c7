import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createOpBatch,
  createRandom,
  InvalidOptionsError,
  OpKind,
  type VmId,
  type WorkloadContext,
} from '@hvsim/spec';
import { afterAll, describe, expect, it } from 'vitest';
import { contentOrigin } from '../content/index';
import {
  createTraceWorkload,
  openTrace,
  TraceFileError,
  TraceFormatError,
  type TraceOptionsInput,
  trace,
} from './index';
import { FIXTURES, readAll, tempDir } from './test-support';

const temp = tempDir();
afterAll(temp.remove);

const context = (vm = 3): WorkloadContext => ({
  random: createRandom(1).split('trace'),
  emit: () => {},
  vm: vm as VmId,
  vmPages: 1 << 16,
});
const lackey = join(FIXTURES, 'true.lackey');

/** Every op of a workload, filled in batches of `capacity`, up to `limit` ops. */
function drain(options: TraceOptionsInput, capacity: number, limit = Number.POSITIVE_INFINITY, vm = 3) {
  const workload = createTraceWorkload(options, context(vm));
  const batch = createOpBatch(capacity);
  const ops: { kind: number; target: number; content: number }[] = [];
  let fills = 0;
  while (ops.length < limit) {
    const n = workload.fill(batch, 0);
    fills++;
    expect(batch.length).toBe(n);
    if (n === 0) break;
    for (let i = 0; i < n; i++)
      ops.push({ kind: batch.kind[i]!, target: batch.target[i]!, content: batch.content[i]! });
  }
  return { workload, ops, fills };
}

describe('the trace workload', () => {
  it('replays the records as Read and Write ops, in full batches until the end', () => {
    const expected = readAll(openTrace(lackey, 'lackey'));
    const { ops, fills, workload } = drain({ path: lackey, format: 'lackey' }, 1000);
    expect(ops.map((o) => o.target)).toEqual(expected.pages);
    expect(ops.map((o) => o.kind === OpKind.Write)).toEqual(expected.writes);
    expect(fills).toBe(Math.ceil(expected.pages.length / 1000) + 1);
    expect(workload.name).toBe('trace');
    expect(workload.contract).toBe('workload@1');
    // The file is released at the end, and the workload stays finished.
    expect(() => workload.reader.next(new Float64Array(1), new Uint8Array(1))).toThrow(TraceFileError);
    expect(workload.fill(createOpBatch(8), 0)).toBe(0);
  });

  it('gives every write a unique content of its VM by default, and reads content 0', () => {
    const { ops } = drain({ path: lackey, format: 'lackey' }, 512, Number.POSITIVE_INFINITY, 5);
    const writes = ops.filter((o) => o.kind === OpKind.Write).map((o) => o.content);
    expect(new Set(writes).size).toBe(writes.length);
    for (const c of writes) expect(contentOrigin(c)).toEqual({ class: 'unique', vm: 5 });
    expect(ops.filter((o) => o.kind === OpKind.Read).every((o) => o.content === 0)).toBe(true);
  });

  it('uses the content model it is given', () => {
    const { ops } = drain({ path: lackey, format: 'lackey', content: 'zero' }, 512);
    expect(ops.every((o) => o.content === 0)).toBe(true);
    const osImage = drain(
      { path: lackey, format: 'lackey', content: { model: 'os-image', image: 2 } },
      512,
    ).ops;
    for (const o of osImage.filter((w) => w.kind === OpKind.Write)) {
      expect(contentOrigin(o.content)).toEqual({ class: 'os-image', image: 2 });
    }
  });

  it('keeps the contents an hvsim-csv trace gives, and fills in the others', () => {
    const { ops } = drain(
      { path: join(FIXTURES, 'example.hvsim.csv'), format: 'hvsim-csv', content: 'zero' },
      3,
    );
    expect(ops).toEqual([
      { kind: OpKind.Read, target: 0, content: 0 },
      { kind: OpKind.Write, target: 0, content: 42 },
      { kind: OpKind.Write, target: 1, content: 0 },
      { kind: OpKind.FileRead, target: 100, content: 0 },
      { kind: OpKind.FileWrite, target: 100, content: 7 },
      { kind: OpKind.Read, target: 1, content: 0 },
      { kind: OpKind.Write, target: 2, content: 0 },
      { kind: OpKind.FileWrite, target: 3, content: 0 },
    ]);
  });

  it('loops: restarts at the end, over the same pages, filling every batch', () => {
    const once = readAll(openTrace(lackey, 'lackey')).pages;
    const { ops, workload } = drain(
      { path: lackey, format: 'lackey', loop: true },
      1000,
      once.length * 2 + 500,
    );
    // Looping, every batch is full: the drain stops at the first multiple of 1000 past its limit.
    expect(ops.length).toBe(Math.ceil((once.length * 2 + 500) / 1000) * 1000);
    expect(ops.slice(0, once.length).map((o) => o.target)).toEqual(once);
    expect(ops.slice(once.length, 2 * once.length).map((o) => o.target)).toEqual(once);
    expect(workload.loops).toBe(2);
    workload.close();
    expect(workload.fill(createOpBatch(4), 0)).toBe(0);
  });

  it('an empty trace ends even when looping', () => {
    const empty = join(temp.dir, 'empty.txt');
    writeFileSync(empty, '\n\n');
    const { ops, fills } = drain({ path: empty, format: 'txt', loop: true }, 16);
    expect(ops).toEqual([]);
    expect(fills).toBe(1);
  });

  it('reads every format with its options', () => {
    const csv = drain(
      {
        path: join(FIXTURES, 'true.csv'),
        format: 'csv',
        objIdCol: 4,
        timeCol: 1,
        hasHeader: true,
        bufferBytes: 64,
      },
      256,
    ).ops;
    const oracle = drain({ path: join(FIXTURES, 'true.oracleGeneral'), format: 'oracleGeneral' }, 256).ops;
    const txt = drain({ path: join(FIXTURES, 'true.txt'), format: 'txt', objIdIsNum: true }, 256).ops;
    expect(csv).toEqual(oracle);
    expect(txt).toEqual(oracle);
    expect(oracle.length).toBeGreaterThan(3000);
  });

  it('a malformed record surfaces from fill as a TraceFormatError', () => {
    const bad = join(temp.dir, 'bad.txt');
    writeFileSync(bad, '1\n2\nthree\n');
    const workload = createTraceWorkload({ path: bad, format: 'txt' }, context());
    expect(() => workload.fill(createOpBatch(8), 0)).toThrow(TraceFormatError);
    workload.close();
  });

  it('a missing file fails at create', () => {
    expect(() => trace.create({ path: join(temp.dir, 'missing'), format: 'lackey' }, context())).toThrow(
      TraceFileError,
    );
  });

  it.each([
    [{ format: 'lackey' }, 'path'],
    [{ path: lackey, format: 'pin' }, 'format'],
    [{ path: lackey, format: 'lackey', objIdCol: 2 }, 'objIdCol'],
    [{ path: lackey, format: 'oracleGeneral', objIdIsNum: false }, 'objIdIsNum'],
    [{ path: lackey, format: 'csv', delimiter: ';;' }, 'delimiter'],
    [{ path: lackey, format: 'lackey', bufferBytes: 8 }, 'bufferBytes'],
    [{ path: lackey, format: 'lackey', content: 'nonsense' }, 'content'],
  ])('rejects options %j, naming %s', (options, field) => {
    expect(() => trace.create(options as TraceOptionsInput, context())).toThrow(InvalidOptionsError);
    try {
      trace.create(options as TraceOptionsInput, context());
    } catch (error) {
      // A misplaced key is named in the message of the root issue; a bad value by its path.
      expect((error as InvalidOptionsError).message).toContain(field);
    }
  });
});
