/**
 * Encoders of every trace format and the recipe of the committed fixtures, for the tests and the benchmark
 * (not part of the package's API).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ORACLE_GENERAL_RECORD_BYTES } from './oracle-general';

export const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;

export type LackeyOp = 'I' | 'L' | 'S' | 'M';
export interface LackeyRecord {
  readonly op: LackeyOp;
  readonly address: bigint;
  readonly size: number;
}

/** Lackey's own layout: `I  addr,size` for instructions, ` X addr,size` for data. */
export const lackeyLine = (r: LackeyRecord): string =>
  `${r.op === 'I' ? 'I ' : ` ${r.op}`} ${r.address.toString(16).padStart(8, '0')},${r.size}`;

/** Parses lackey output with regular expressions: the reference the streaming decoder is checked against. */
export function parseLackeyReference(text: string): { page: bigint; write: boolean }[] {
  const out: { page: bigint; write: boolean }[] = [];
  for (const line of text.split('\n')) {
    if (/^==\d+==/.test(line) || line.trim() === '') continue;
    const m = /^\s*([ILSM])\s+([0-9a-fA-F]+),(\d+)\s*$/.exec(line);
    if (!m) throw new Error(`not a lackey line: ${line}`);
    out.push({ page: BigInt(`0x${m[2]}`) >> 12n, write: m[1] === 'S' || m[1] === 'M' });
  }
  return out;
}

/** Dense pages of a sequence of ids in first-seen order (the reference of the hash map). */
export function denseReference<T>(ids: readonly T[]): number[] {
  const seen = new Map<T, number>();
  return ids.map((id) => {
    let page = seen.get(id);
    if (page === undefined) {
      page = seen.size;
      seen.set(id, page);
    }
    return page;
  });
}

export interface OracleRecord {
  readonly time: number;
  readonly id: bigint;
  readonly size: number;
  readonly next: bigint;
}

/** libCacheSim oracleGeneral records, little-endian, 24 bytes each. */
export function oracleGeneralBytes(records: readonly OracleRecord[]): Uint8Array {
  const bytes = new Uint8Array(records.length * ORACLE_GENERAL_RECORD_BYTES);
  const view = new DataView(bytes.buffer);
  records.forEach((r, i) => {
    const at = i * ORACLE_GENERAL_RECORD_BYTES;
    view.setUint32(at, r.time, true);
    view.setBigUint64(at + 4, r.id, true);
    view.setUint32(at + 12, r.size, true);
    view.setBigInt64(at + 16, r.next, true);
  });
  return bytes;
}

/** For each reference, the index of the next reference to the same id, or -1 (oracleGeneral's vtime). */
export function nextAccess(ids: readonly bigint[]): bigint[] {
  const next = new Array<bigint>(ids.length);
  const later = new Map<bigint, number>();
  for (let i = ids.length - 1; i >= 0; i--) {
    const id = ids[i]!;
    next[i] = BigInt(later.get(id) ?? -1);
    later.set(id, i);
  }
  return next;
}

/** A temporary directory, removed by the returned function. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'hvsim-traces-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Lines of lackey output kept in the committed fixture (the valgrind banner is among them). */
export const LACKEY_FIXTURE_LINES = 4000;

/**
 * Runs `valgrind --tool=lackey --trace-mem=yes /bin/true` and keeps its first LACKEY_FIXTURE_LINES lines
 * plus the closing summary (lines from the `Counted … calls to main()` banner on), as the fixture holds.
 */
export function generateLackeyFixture(): string {
  const { dir, remove } = tempDir();
  try {
    const log = join(dir, 'true.lackey');
    execFileSync('valgrind', ['--tool=lackey', '--trace-mem=yes', `--log-file=${log}`, '/bin/true'], {
      stdio: 'ignore',
    });
    const lines = readFileSync(log, 'utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    const summary = lines.findIndex((l) => /^==\d+== Counted /.test(l));
    if (summary < LACKEY_FIXTURE_LINES) throw new Error('valgrind printed a shorter trace than expected');
    return `${[...lines.slice(0, LACKEY_FIXTURE_LINES), ...lines.slice(summary - 1)].join('\n')}\n`;
  } finally {
    remove();
  }
}

/**
 * The fixtures of the other formats, all derived from the lackey fixture's references so every format's
 * fixture holds the same reference stream: object id = page number (address >> 12).
 */
export function derivedFixtures(lackeyText: string): Record<string, string | Uint8Array> {
  const refs = parseLackeyReference(lackeyText);
  const ids = refs.map((r) => r.page);
  const next = nextAccess(ids);
  // Time advances every 8 references, as coarse trace clocks do.
  const time = (i: number) => 1_000 + (i >> 3);
  return {
    'true.txt': ids.map((id) => `${id}\n`).join(''),
    'true.csv': `time,op,size,page\n${refs.map((r, i) => `${time(i)},${r.write ? 'w' : 'r'},4096,${r.page}\n`).join('')}`,
    'true.oracleGeneral': oracleGeneralBytes(
      ids.map((id, i) => ({ time: time(i), id, size: 4096, next: next[i]! })),
    ),
    'true.hvsim.csv': `op,page\n${refs.map((r) => `${r.write ? 'w' : 'r'},${r.page}\n`).join('')}`,
  };
}

/** Writes the derived fixtures next to the committed lackey fixture. */
export function writeDerivedFixtures(): void {
  const lackey = readFileSync(join(FIXTURES, 'true.lackey'), 'utf8');
  for (const [name, data] of Object.entries(derivedFixtures(lackey)))
    writeFileSync(join(FIXTURES, name), data);
}

/** Every reference of a reader, read with `next` in batches of `batch`. */
export function readAll(
  reader: { next(pages: Float64Array, isWrite: Uint8Array): number },
  batch = 7,
): { pages: number[]; writes: boolean[] } {
  const pages: number[] = [];
  const writes: boolean[] = [];
  const p = new Float64Array(batch);
  const w = new Uint8Array(batch);
  for (let n = reader.next(p, w); n > 0; n = reader.next(p, w)) {
    for (let i = 0; i < n; i++) {
      pages.push(p[i]!);
      writes.push(w[i] === 1);
    }
  }
  return { pages, writes };
}

/** Every record of a reader as ops, read with `nextOps` in batches of `batch`. */
export function readAllOps(
  reader: {
    nextOps(
      target: Float64Array,
      kind: Uint8Array,
      content: Float64Array,
      start?: number,
      end?: number,
    ): number;
  },
  batch = 5,
): { target: number; kind: number; content: number }[] {
  const out: { target: number; kind: number; content: number }[] = [];
  const target = new Float64Array(batch);
  const kind = new Uint8Array(batch);
  const content = new Float64Array(batch);
  for (let n = reader.nextOps(target, kind, content); n > 0; n = reader.nextOps(target, kind, content)) {
    for (let i = 0; i < n; i++) out.push({ target: target[i]!, kind: kind[i]!, content: content[i]! });
  }
  return out;
}
