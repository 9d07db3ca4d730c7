/**
 * What the full-fidelity target is up against: datacenter-64g's web VMs (6 × 6 GiB, Zipf 0.9 over half
 * their memory) reduced to the memory accesses an op cannot avoid while giving the same results — the
 * real alias-table draw (hvsim's ZipfAliasTable, labels folded, so one uniformly random 8-byte column of
 * 2^20 per VM), the guest's page-table entry of the drawn page (4 bytes of 6 MiB per VM, scattered by the
 * rank permutation), and the page's LRU reference byte and translation flag byte (indexed by guest-physical
 * page, laid out in first-touch order) — run VM after VM in the host's 10 ms quanta (100,000 ops each).
 * Nothing else: no guest, no machine, no host. Prints its ops per wall second as JSON: no simulation of
 * that host can do better than this loop.
 */
import { createRandom } from '@hvsim/spec';
import { randomPermutation, ZipfAliasTable } from '@hvsim/workloads';

const VMS = 6;
const VM_PAGES = (6 * 2 ** 30) / 4096;
const RANKS = VM_PAGES / 2;
const QUANTUM_OPS = 100_000;
const BATCH = 4096;

const random = createRandom(64);
const vms = Array.from({ length: VMS }, (_, v) => {
  const stream = random.split(`vm${v}`);
  const table = new ZipfAliasTable(RANKS, 0.9, stream.split('ranks'), randomPermutation(RANKS, stream));
  // Guest-physical pages in the order the pages are first drawn, as a guest's free list hands them out.
  const pageTable = new Int32Array(VM_PAGES);
  const draws = new Float64Array(RANKS);
  table.fill(draws, 0, RANKS);
  let next = 0;
  for (const vpn of draws) if (pageTable[vpn] === 0) pageTable[vpn] = ++next;
  for (let vpn = 0; vpn < RANKS; vpn++) if (pageTable[vpn] === 0) pageTable[vpn] = ++next;
  return { table, pageTable, referenced: new Uint8Array(VM_PAGES), flags: new Uint8Array(VM_PAGES) };
});

const batch = new Float64Array(BATCH);
let hits = 0;
function quantum(vm: (typeof vms)[number]): void {
  const { table, pageTable, referenced, flags } = vm;
  for (let done = 0; done < QUANTUM_OPS; done += BATCH) {
    table.fill(batch, 0, BATCH);
    for (let i = 0; i < BATCH; i++) {
      const ppn = pageTable[batch[i]!]! - 1;
      referenced[ppn] = 1;
      hits += flags[ppn] === 0 ? 1 : 0;
    }
  }
}

const ops = (rounds: number) => rounds * VMS * Math.ceil(QUANTUM_OPS / BATCH) * BATCH;
for (let round = 0; round < 20; round++) for (const vm of vms) quantum(vm);
const rounds = 200;
const started = performance.now();
for (let round = 0; round < rounds; round++) for (const vm of vms) quantum(vm);
const seconds = (performance.now() - started) / 1000;
if (hits === 0) throw new Error('no access was made');
process.stdout.write(`${JSON.stringify({ opsPerSecond: ops(rounds) / seconds })}\n`);
