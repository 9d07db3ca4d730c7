/**
 * A tour of the machine model: three VMs promised 1.5× the host's memory. They fill their memory, the host
 * pages out random victims when it runs dry (as ESX does), identical pages are shared copy-on-write, one VM's
 * balloon takes some pages, and at the end every page still reads back what was last written to it.
 *
 * Run from the repository root: `npm run example:machine`.
 */
import { checkInvariants, createMachine, type Machine } from '@hvsim/machine';
import {
  type ContentId,
  createRandom,
  formatBytes,
  formatDuration,
  PageState,
  pagesToBytes,
  parsePages,
  type VmId,
} from '@hvsim/spec';

const random = createRandom(2002).split('demo');
const HOST = parsePages('256MiB');
const VM_SIZE = parsePages('128MiB');

/** Host paging as ESX does it: a uniformly random resident victim, written out before its frame is reused. */
function pageOutRandomVictim(machine: Machine): void {
  const vms = machine.vms();
  for (let tries = 0; tries < 10_000; tries++) {
    const vm = vms[random.nextInt(vms.length)]!;
    const ppn = random.nextInt(machine.pageCount(vm));
    const state = machine.pageState(vm, ppn);
    if (state === PageState.Private) {
      machine.swapOut(vm, ppn);
      machine.flushSwapWrites(); // the VM waits for the write
      return;
    }
  }
}

const machine = createMachine({
  frames: HOST,
  reservedFrames: parsePages('8MiB'),
  swapSlots: parsePages('512MiB'),
  reclaimer: { reclaimFrames: pageOutRandomVictim },
});

/** Contents: a fifth zero pages, a fifth the OS image every VM shares, the rest data unique to the VM. */
function contentFor(vm: number, ppn: number): ContentId {
  const kind = ppn % 5;
  if (kind === 0) return 0;
  if (kind === 1) return 1 + (ppn % 4096); // OS image pages, identical across VMs
  return 1_000_000 * (vm + 1) + ppn;
}

const vms: VmId[] = ['web', 'db', 'batch'].map((name) =>
  machine.addVm({ name, pages: VM_SIZE, overheadFrames: parsePages('4MiB') }),
);
console.log(
  `host ${formatBytes(pagesToBytes(HOST))}, ${vms.length} VMs of ${formatBytes(pagesToBytes(VM_SIZE))}: ` +
    `${((vms.length * VM_SIZE) / HOST).toFixed(2)}× overcommitted\n`,
);

// 1. Every VM writes all of its memory; the host pages out random victims once it runs out of frames.
vms.forEach((vm, v) => {
  for (let ppn = 0; ppn < VM_SIZE; ppn++) machine.write(vm, ppn, contentFor(v, ppn));
});
const swappedAfterFill = machine.usedSwapSlots;

// 2. Share identical resident pages: a full pass keyed by content, as a content-based scanner would find them.
const firstHolder = new Map<ContentId, [VmId, number]>();
let shared = 0;
for (const vm of vms) {
  for (let ppn = 0; ppn < VM_SIZE; ppn++) {
    const state = machine.pageState(vm, ppn);
    if (state !== PageState.Private && state !== PageState.Shared) continue;
    const content = machine.peek(vm, ppn)!;
    const holder = firstHolder.get(content);
    if (!holder) firstHolder.set(content, [vm, ppn]);
    else if (machine.frameOf(vm, ppn) !== machine.frameOf(...holder)) {
      machine.share(vm, ppn, ...holder);
      shared++;
    }
  }
}

// 3. The batch VM's balloon takes a tenth of its pages (the guest gave up pages it did not need).
const batch = vms[2]!;
const ballooned = VM_SIZE / 10;
for (let ppn = 0; ppn < ballooned; ppn++) machine.balloon(batch, ppn);

// 4. Every VM touches a random tenth of its pages again: swapped pages come back, writes break sharing.
for (const [v, vm] of vms.entries()) {
  for (let i = 0; i < VM_SIZE / 10; i++) {
    const ppn = random.nextInt(VM_SIZE);
    if (vm === batch && ppn < ballooned) continue;
    if (random.nextInt(4) === 0) machine.write(vm, ppn, contentFor(v, ppn));
    else machine.read(vm, ppn);
  }
}

// 5. Nothing was lost: every page reads back its last write (a ballooned page reads as zero).
let checked = 0;
for (const [v, vm] of vms.entries()) {
  for (let ppn = 0; ppn < VM_SIZE; ppn++) {
    const want = vm === batch && ppn < ballooned ? 0 : contentFor(v, ppn);
    if (machine.peek(vm, ppn) !== want) throw new Error(`vm ${v} page ${ppn} lost its contents`);
    checked++;
  }
}
checkInvariants(machine);

console.log(`paged out ${swappedAfterFill} pages while filling; shared ${shared} identical pages\n`);
console.table(
  Object.fromEntries(
    vms.map((vm) => {
      const p = machine.pagePartition(vm);
      const c = machine.counters(vm);
      return [
        machine.vmName(vm),
        {
          private: p.private,
          shared: p.shared,
          swapped: p.swapped,
          ballooned: p.ballooned,
          'zero-fills': c.zeroFills,
          'cow breaks': c.cowBreaks,
          'swap-ins': c.swapIns,
          'simulated time': formatDuration(c.time),
        },
      ];
    }),
  ),
);
console.log('host frames:');
console.table(machine.framePartition());
console.log(`all ${checked} guest pages read back their last write; every machine invariant holds`);
