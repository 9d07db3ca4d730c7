/**
 * The small-VM end-to-end run: 4 VMs of 256 MiB running Zipf workloads through Linux-like guests on an
 * overcommitted host with host paging on. The host suite's headline figure, and the yardstick the scale
 * suite holds big VMs to (run as a script, it prints its rate as JSON for that suite's process).
 */
import { pathToFileURL } from 'node:url';
import { medianRate } from '@hvsim/bench-kit';
import { linuxGuest } from '@hvsim/guest';
import { createHost } from '@hvsim/host';
import { parsePages, time } from '@hvsim/spec';
import { zipf } from '@hvsim/workloads';

export const vm = (name: string) => ({
  name,
  pages: parsePages('256MiB'),
  guest: { definition: linuxGuest, options: { bootTime: '1s' } },
  workload: { definition: zipf, options: { pages: 0.5 } },
});

function run(simulated: number) {
  // 4 × 256 MiB on 640 MiB: the working sets (half of each VM) fit, the touched memory does not at first.
  const host = createHost({
    frames: parsePages('640MiB'),
    swapPages: parsePages('1GiB'),
    seed: 1,
    vms: ['a', 'b', 'c', 'd'].map(vm),
  });
  const start = performance.now();
  host.run(simulated);
  const seconds = (performance.now() - start) / 1000;
  return { ops: host.stats().ops, seconds, swapped: host.machine.usedSwapSlots };
}

/** Guest ops per wall second of 2 simulated seconds: the median of 5 runs after a warm-up. */
export const endToEndRate = () => medianRate(() => run(time.s(2)));

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { median, low, high } = endToEndRate();
  process.stdout.write(`${JSON.stringify({ median, low, high })}\n`);
}
