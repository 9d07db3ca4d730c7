/**
 * Machine benchmarks (issue: workspace foundation and machine model), single thread:
 * - translation fast path, all hits: ≥ 100 M accesses/s;
 * - 1% of accesses trapping to a handler: ≥ 30 M accesses/s;
 * - memory on a 64 GiB host (16 Mi frames) with 4 VMs of 24 GiB: ≤ 16 bytes per guest page and per frame.
 *
 * Accesses are uniformly random over the VM (no locality, the harshest pattern for the caches), a quarter
 * of them writes. The targeted figures use a 256 MiB VM (64 Ki pages, the scale the reference suggests for
 * simulated VMs); the same runs on a 1 GiB VM, whose page tables outgrow the caches, are reported beside them.
 */
import { type Figure, report, throughput } from '@hvsim/bench-kit';
import { createMachine } from '@hvsim/machine';
import { accessOp, createRandom, parsePages, type VmId } from '@hvsim/spec';

const BATCH = 1 << 20;

function workingVm(pages: number) {
  const machine = createMachine({ frames: pages + 1024 });
  const vm = machine.addVm({ pages });
  for (let ppn = 0; ppn < pages; ppn++) machine.write(vm, ppn, ppn + 1);
  const random = createRandom(42).split('bench');
  const ops = new Uint32Array(BATCH);
  const contents = new Float64Array(BATCH);
  for (let i = 0; i < BATCH; i++) {
    ops[i] = accessOp(random.nextInt(pages), random.nextInt(4) === 0);
    contents[i] = i + 1;
  }
  const run = () => machine.accessBatch(vm, ops, contents, BATCH);
  return { machine, vm, run, accessesBefore: machine.counters(vm).accesses };
}

async function fastPath(pages: number, target?: number): Promise<Figure> {
  const { machine, vm, run } = workingVm(pages);
  const slowBefore = machine.counters(vm).slowAccesses;
  const rate = await throughput('fast path', BATCH, run);
  if (machine.counters(vm).slowAccesses !== slowBefore)
    throw new Error('fast-path benchmark left the fast path');
  return {
    name: `translation fast path, all hits (${pages / 256} MiB VM)`,
    unit: 'accesses/s',
    value: rate,
    ...(target === undefined ? {} : { target }),
    better: 'higher',
    note: `uniformly random pages of a ${pages}-page VM, 25% writes, batches of ${BATCH}`,
  };
}

async function onePercentTraps(pages: number, target?: number): Promise<Figure> {
  const { machine, vm, run, accessesBefore } = workingVm(pages);
  // Arm a trap on 1% of pages; the handler re-arms, so every access to those pages keeps trapping.
  let fired = 0;
  const channel = machine.traps.register('bench', (v: VmId, ppn: number) => {
    fired++;
    machine.traps.arm(channel, v, ppn);
  });
  for (let ppn = 0; ppn < pages; ppn += 100) machine.traps.arm(channel, vm, ppn);
  const rate = await throughput('1% traps', BATCH, run);
  const share = fired / (machine.counters(vm).accesses - accessesBefore);
  if (share < 0.009 || share > 0.011) throw new Error(`trap share ${share} is not 1%`);
  return {
    name: `1% of accesses trapping to a handler (${pages / 256} MiB VM)`,
    unit: 'accesses/s',
    value: rate,
    ...(target === undefined ? {} : { target }),
    better: 'higher',
    note: `${(share * 100).toFixed(2)}% of accesses trapped; otherwise as the fast path`,
  };
}

function memory(): Figure[] {
  const before = process.memoryUsage().arrayBuffers;
  const machine = createMachine({ frames: parsePages('64GiB') });
  for (let i = 0; i < 4; i++) machine.addVm({ pages: parsePages('24GiB') });
  const footprint = machine.memoryFootprint();
  const grown = process.memoryUsage().arrayBuffers - before;
  const pages = 4 * parsePages('24GiB');
  const note = 'typed arrays of the model, 64 GiB host with 4 VMs of 24 GiB';
  return [
    {
      name: 'memory per guest page',
      unit: 'B',
      value: footprint.bytesPerPage,
      target: 16,
      better: 'lower',
      note,
    },
    {
      name: 'memory per host frame',
      unit: 'B',
      value: footprint.bytesPerFrame,
      target: 16,
      better: 'lower',
      note,
    },
    {
      name: 'array memory the process grew by, per page + frame',
      unit: 'B',
      value: grown / (pages + machine.totalFrames),
      better: 'lower',
      note: 'process.memoryUsage().arrayBuffers growth, a cross-check of the two figures above',
    },
  ];
}

const SIMULATED_VM = parsePages('256MiB');
const LARGE_VM = parsePages('1GiB');
// The memory figure allocates half a gigabyte of arrays: it runs last, so its garbage cannot slow the others.
report('machine', [
  await fastPath(SIMULATED_VM, 100e6),
  await onePercentTraps(SIMULATED_VM, 30e6),
  await fastPath(LARGE_VM),
  await onePercentTraps(LARGE_VM),
  ...memory(),
]);
