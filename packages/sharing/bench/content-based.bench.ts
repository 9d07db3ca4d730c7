/**
 * Content-based scanning (issue: page-sharing engines): pages examined per second, at least 10 M on content
 * ids and 1 M with real 4 KiB contents hashed (xxhash64). Four 16 MiB VMs whose pages all hold unique
 * contents, so every page examined is hashed and looked up (pages already shared would be passed over without
 * either: the worst case). Content ids: the table in its steady state, every page hinted. Real contents: a
 * new engine for each timed scan of 30 000 random pages, so most are seen for the first time and their bytes
 * hashed (the engine keeps the hash of a content it has seen, whose bytes never change).
 */
import { report, throughput } from '@hvsim/bench-kit';
import { ContentStore, createMachine } from '@hvsim/machine';
import { createRandom, parsePages } from '@hvsim/spec';
import { type ContentBasedSharing, contentBased } from '../src/content-based';
import { uniquePage } from './unique-page';

const VMS = 4;
const PAGES = parsePages('16MiB');
const BATCH = 100_000;
const COLD_BATCH = 30_000;

function machineOf(real: boolean) {
  const contents = new ContentStore();
  const machine = createMachine({ frames: VMS * PAGES + 1024, swapSlots: 0, contentStore: contents });
  for (let v = 0; v < VMS; v++) {
    const vm = machine.addVm({ pages: PAGES });
    for (let ppn = 0; ppn < PAGES; ppn++) {
      const n = v * PAGES + ppn;
      machine.write(vm, ppn, real ? contents.intern(uniquePage(n)) : n + 1);
    }
  }
  return { machine, contents };
}

function engineOn({ machine, contents }: ReturnType<typeof machineOf>, seed: number) {
  const engine = contentBased.create(
    {},
    { random: createRandom(seed), emit: () => {} },
  ) as ContentBasedSharing;
  engine.attach({ machine, remap: machine, contents });
  return engine;
}

const ids = machineOf(false);
const steady = engineOn(ids, 6);
for (let i = 0; i < 5; i++) steady.scan(BATCH); // every page hinted
const idRate = await throughput('content-based scan (content ids)', BATCH, () => {
  steady.scan(BATCH);
});

const real = machineOf(true);
let seed = 7;
const realRate = await throughput('content-based scan (real bytes)', COLD_BATCH, () => {
  engineOn(real, seed++).scan(COLD_BATCH);
});

report('content-based', [
  {
    name: 'content-based scan, content ids',
    unit: 'pages/s',
    value: idRate,
    target: 10e6,
    better: 'higher',
    note: `${VMS} VMs of 16 MiB, every page unique and hinted: each examined page hashed and looked up`,
  },
  {
    name: 'content-based scan, real 4 KiB contents hashed',
    unit: 'pages/s',
    value: realRate,
    target: 1e6,
    better: 'higher',
    note: `${VMS} VMs of 16 MiB of unique bytes; a new engine per scan of ${COLD_BATCH} random pages, most hashed`,
  },
]);
