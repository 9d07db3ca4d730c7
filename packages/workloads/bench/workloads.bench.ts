/**
 * Workload benchmarks, single thread, for information (the issues set no target of their own here, but the
 * simulator must run 20 M guest memory ops/s end to end with Zipf workloads, so generating them has to take a
 * small share of the time — aim at 40 M ops/s or more):
 * - ops the uniform generator writes per second;
 * - ops the zipf generator (alpha 0.99, alias-table sampling) writes per second;
 * - Zipf ranks per second of ZipfSampler alone, from its alias table and from the rejection-inversion
 *   fallback it uses above ZIPF_TABLE_MAX_RANKS (for information).
 *
 * The generators run on a 256 MiB VM (64 Ki pages) over half of it, a quarter of the ops writes with the
 * default mix content model, in batches of 4096 ops: what a guest asks of its workload in one quantum.
 */
import { type Figure, report, throughput } from '@hvsim/bench-kit';
import { createOpBatch, createRandom, parsePages, type VmId, type Workload } from '@hvsim/spec';
import { uniform, ZipfSampler, zipf } from '@hvsim/workloads';

const BATCH = 4096;
const VM_PAGES = parsePages('256MiB');

function context() {
  return { random: createRandom(42).split('bench'), emit: () => {}, vm: 0 as VmId, vmPages: VM_PAGES };
}

async function opsPerSecond(name: string, workload: Workload, note: string): Promise<Figure> {
  const batch = createOpBatch(BATCH);
  const rate = await throughput(name, BATCH, () => {
    if (workload.fill(batch, 0) !== BATCH) throw new Error(`${name} did not fill its batch`);
  });
  return { name, unit: 'ops/s', value: rate, better: 'higher', note };
}

async function ranksPerSecond(name: string, sampler: ZipfSampler, note: string): Promise<Figure> {
  const out = new Float64Array(BATCH);
  const rate = await throughput(name, BATCH, () => sampler.fill(out, 0, BATCH));
  return { name, unit: 'ranks/s', value: rate, better: 'higher', note };
}

const ranks = VM_PAGES / 2;
report('workloads', [
  await opsPerSecond(
    'uniform: ops generated',
    uniform.create({}, context()),
    `uniform over ${VM_PAGES / 2} pages, 25% writes, mix content, batches of ${BATCH}`,
  ),
  await opsPerSecond(
    'zipf (alpha 0.99): ops generated',
    zipf.create({}, context()),
    `Zipf 0.99 over ${VM_PAGES / 2} pages through a random permutation, 25% writes, mix content, batches of ${BATCH}`,
  ),
  await ranksPerSecond(
    'ZipfSampler, alias table: ranks drawn',
    new ZipfSampler(ranks, 0.99, createRandom(42).split('ranks')),
    `Zipf 0.99 over ${ranks} ranks, batches of ${BATCH}`,
  ),
  await ranksPerSecond(
    'ZipfSampler, rejection-inversion fallback: ranks drawn',
    new ZipfSampler(ranks, 0.99, createRandom(42).split('ranks'), { maxTableRanks: 0 }),
    `Zipf 0.99 over ${ranks} ranks, batches of ${BATCH}`,
  ),
]);
