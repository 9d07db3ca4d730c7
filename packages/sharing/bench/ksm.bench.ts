/**
 * KSM scanning (issue: page-sharing engines): pages examined per second on real contents, at least 1 M. Four
 * 16 MiB VMs whose pages all hold unique 4 KiB contents, so no page merges and each visit goes through every
 * lookup (pages already merged would be passed over: the worst case). Each timed call is one wake-up that
 * scans a full pass. First visits: a new engine per pass, so every page's bytes are hashed (xxhash64) before
 * the stable-tree lookup and the checksum is recorded. Later visits: one engine pass after pass, each page's
 * checksum held, so it is looked up in the stable tree and inserted into the unstable tree, emptied per pass
 * (the engine keeps the hash of a content it has seen, whose bytes never change).
 */
import { report, throughput } from '@hvsim/bench-kit';
import { ContentStore, createMachine } from '@hvsim/machine';
import { createRandom, parsePages, time } from '@hvsim/spec';
import { type KsmSharing, ksm } from '../src/ksm';
import { uniquePage } from './unique-page';

const VMS = 4;
const PAGES = parsePages('16MiB');
const PASS = VMS * PAGES;

const contents = new ContentStore();
const machine = createMachine({ frames: PASS + 1024, swapSlots: 0, contentStore: contents });
for (let v = 0; v < VMS; v++) {
  const vm = machine.addVm({ pages: PAGES });
  for (let ppn = 0; ppn < PAGES; ppn++) machine.write(vm, ppn, contents.intern(uniquePage(v * PAGES + ppn)));
}

/** A KSM engine whose one wake-up scans a whole pass and ends it. */
function engine(): KsmSharing {
  const created = ksm.create(
    { pagesToScan: PASS + 1 },
    { random: createRandom(0), emit: () => {} },
  ) as KsmSharing;
  created.attach({ machine, remap: machine, contents });
  return created;
}

/** One wake-up: ksmd's sleep, then the pass. */
function pass(ksmd: KsmSharing): void {
  machine.advanceTo(machine.now + time.ms(ksmd.options.sleepMillisecs));
  ksmd.scan(0);
}

const firstRate = await throughput('KSM scan (first visits)', PASS, () => pass(engine()));
const steady = engine();
pass(steady);
const laterRate = await throughput('KSM scan (later visits)', PASS, () => pass(steady));

report('ksm', [
  {
    name: 'KSM scan, real 4 KiB contents, first visits (bytes hashed)',
    unit: 'pages/s',
    value: firstRate,
    target: 1e6,
    better: 'higher',
    note: `${VMS} VMs of 16 MiB of unique bytes; a new engine per pass: each page hashed, looked up, checksum recorded`,
  },
  {
    name: 'KSM scan, real 4 KiB contents, later visits (unstable tree)',
    unit: 'pages/s',
    value: laterRate,
    target: 1e6,
    better: 'higher',
    note: `${VMS} VMs of 16 MiB of unique bytes; checksum held: stable lookup and unstable-tree insert, tree emptied per pass`,
  },
]);
