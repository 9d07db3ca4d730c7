/**
 * Workload benchmarks (issue: workloads package), single thread, figures for information (no target):
 * - ops the uniform generator writes per second;
 * - ops the zipf generator (alpha 0.99, rejection-inversion sampling) writes per second.
 *
 * Both run on a 256 MiB VM (64 Ki pages) over half of it, a quarter of the ops writes with the default mix
 * content model, in batches of 4096 ops: what a guest asks of its workload in one quantum.
 */
import { type Figure, report, throughput } from '@hvsim/bench-kit';
import { createOpBatch, createRandom, parsePages, type VmId, type Workload } from '@hvsim/spec';
import { uniform, zipf } from '@hvsim/workloads';

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
]);
