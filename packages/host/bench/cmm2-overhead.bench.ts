/**
 * What CMM2 page hints cost the simulation (issue: cooperative reclamation): the same overcommitted host run
 * with and without `pageHints` on its guests, target a slowdown of at most 10%. Four 64 MiB Linux guests
 * read files of 96 MiB uniformly through their page caches, so every miss frees a page (unused), allocates one
 * (stable) and fills it (volatile): three hints per miss, the most a guest gives. The host has room for
 * every guest, so the two runs do the same work but for the hints (with host paging, discards would change
 * what the guests do, not just what it costs). Runs with and without hints alternate, after a warm-up of
 * each; the slowdown is the median ratio of their wall time per simulated op.
 */
import { report } from '@hvsim/bench-kit';
import { linuxGuest } from '@hvsim/guest';
import { createHost } from '@hvsim/host';
import { parsePages, time } from '@hvsim/spec';
import { phased } from '@hvsim/workloads';

function host(pageHints: boolean) {
  return createHost({
    frames: parsePages('320MiB'),
    swapPages: parsePages('1GiB'),
    seed: 1,
    vms: Array.from({ length: 4 }, (_, i) => ({
      name: `vm${i}`,
      pages: parsePages('64MiB'),
      guest: { definition: linuxGuest, options: { bootTime: '1ms', pageHints } },
      workload: {
        definition: phased,
        options: {
          phases: [{ duration: '1h', pages: '96MiB', file: true, distribution: 'zipf', alpha: 0.9 }],
          writeFraction: 0.1,
        },
      },
    })),
  });
}

/** Wall seconds per simulated op of one host run for `simulated` ns, and hints per op. */
function measure(pageHints: boolean, simulated: number): { wall: number; hints: number } {
  const h = host(pageHints);
  const start = performance.now();
  h.run(simulated);
  const wall = performance.now() - start;
  const { ops, vms } = h.stats();
  const hints = vms.reduce((sum, vm) => sum + h.machine.counters(h.vmId(vm.name)!).hints, 0);
  return { wall: wall / ops, hints: hints / ops };
}

const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1]!;

measure(false, time.s(30)); // warm up the JIT on both paths
measure(true, time.s(30));
const ratios: number[] = [];
let last = { off: 0, on: 0, hints: 0 };
for (let i = 0; i < 5; i++) {
  const off = measure(false, time.s(120));
  const on = measure(true, time.s(120));
  ratios.push(on.wall / off.wall);
  last = { off: off.wall, on: on.wall, hints: on.hints };
}
report('cmm2-overhead', [
  {
    name: 'CMM2 page hints on 4 page-cache-heavy guests: slowdown',
    unit: '%',
    value: 100 * (median(ratios) - 1),
    target: 10,
    better: 'lower',
    note: `4 × 64 MiB guests reading 96 MiB of files each, on a 320 MiB host; median of 5 pairs of 120-second runs; ${last.hints.toFixed(0)} hints per op; last pair ${(1e3 * last.off).toFixed(2)} against ${(1e3 * last.on).toFixed(2)} µs of wall time per op`,
  },
]);
