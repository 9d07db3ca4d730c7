/**
 * Machine benchmarks (issue: workspace foundation and machine model), single thread:
 * - translation fast path, all hits: ≥ 100 M accesses/s;
 * - 1% of accesses trapping to a handler: ≥ 30 M accesses/s;
 * - memory on a 64 GiB host (16 Mi frames) with 4 VMs of 24 GiB: ≤ 16 bytes per guest page and per frame.
 */
import { type Figure, report, throughput } from '@hvsim/bench-kit';
import { createMachine } from '@hvsim/machine';
import { createRandom, parsePages, type VmId } from '@hvsim/spec';

const BATCH = 1 << 20;
const VM_PAGES = 1 << 18; // 1 GiB of guest memory: larger than the caches, as a real VM is.

function workingVm() {
  const machine = createMachine({ frames: VM_PAGES + 1024 });
  const vm = machine.addVm({ pages: VM_PAGES });
  for (let ppn = 0; ppn < VM_PAGES; ppn++) machine.write(vm, ppn, ppn + 1);
  const random = createRandom(42).split('bench');
  const ppns = new Uint32Array(BATCH);
  const writes = new Uint8Array(BATCH);
  const contents = new Float64Array(BATCH);
  for (let i = 0; i < BATCH; i++) {
    ppns[i] = random.nextInt(VM_PAGES);
    writes[i] = random.nextInt(4) === 0 ? 1 : 0; // a quarter of accesses write
    contents[i] = i + 1;
  }
  return { machine, vm, ppns, writes, contents };
}

async function fastPath(): Promise<Figure> {
  const { machine, vm, ppns, writes, contents } = workingVm();
  const prefault = machine.counters(vm).slowAccesses;
  const rate = await throughput('fast path', BATCH, () =>
    machine.accessBatch(vm, ppns, writes, contents, BATCH),
  );
  if (machine.counters(vm).slowAccesses !== prefault)
    throw new Error('fast-path benchmark left the fast path');
  return {
    name: 'translation fast path (all hits, 25% writes)',
    unit: 'accesses/s',
    value: rate,
    target: 100e6,
    better: 'higher',
    note: `uniform random pages of a ${VM_PAGES}-page VM, batches of ${BATCH}`,
  };
}

async function onePercentTraps(): Promise<Figure> {
  const { machine, vm, ppns, writes, contents } = workingVm();
  // Arm a trap on 1% of pages; the handler re-arms, so every access to those pages keeps trapping.
  let fired = 0;
  const channel = machine.traps.register('bench', (v: VmId, ppn: number) => {
    fired++;
    machine.traps.arm(channel, v, ppn);
  });
  for (let ppn = 0; ppn < VM_PAGES; ppn += 100) machine.traps.arm(channel, vm, ppn);
  const rate = await throughput('1% traps', BATCH, () =>
    machine.accessBatch(vm, ppns, writes, contents, BATCH),
  );
  const share = fired / (machine.counters(vm).accesses - VM_PAGES);
  if (share < 0.009 || share > 0.011) throw new Error(`trap share ${share} is not 1%`);
  return {
    name: 'mix with 1% of accesses trapping to a handler',
    unit: 'accesses/s',
    value: rate,
    target: 30e6,
    better: 'higher',
    note: `${(share * 100).toFixed(2)}% of accesses trapped`,
  };
}

function memory(): Figure[] {
  const before = process.memoryUsage().arrayBuffers;
  const machine = createMachine({ frames: parsePages('64GiB') });
  for (let i = 0; i < 4; i++) machine.addVm({ pages: parsePages('24GiB') });
  const footprint = machine.memoryFootprint();
  const measured = process.memoryUsage().arrayBuffers - before;
  const pages = 4 * parsePages('24GiB');
  const note = `typed arrays ${(footprint.frameBytes + footprint.pageBytes) / 2 ** 20} MiB; process array buffers grew ${(measured / 2 ** 20).toFixed(0)} MiB`;
  return [
    {
      name: 'memory per simulated guest page',
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
      name: 'array memory per page + frame, as the process sees it',
      unit: 'B',
      value: measured / (pages + machine.totalFrames),
      target: 16,
      better: 'lower',
      note: 'process.memoryUsage().arrayBuffers growth over guest pages + host frames',
    },
  ];
}

report('machine', [...memory(), await fastPath(), await onePercentTraps()]);
