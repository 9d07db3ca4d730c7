/**
 * End-to-end benchmark (issue: guests, workloads, host kernel): 4 VMs running Zipf workloads through
 * Linux-like guests on an overcommitted host with host paging on — guest memory operations simulated per
 * wall-clock second, target ≥ 20 M; and a 64 GiB host with 16 VMs of 6 GiB stays under 2 GiB of resident
 * memory.
 */
import { report } from '@hvsim/bench-kit';
import { createHost } from '@hvsim/host';
import { parsePages, time } from '@hvsim/spec';
import { endToEndRate, vm } from './end-to-end';

/** Resident memory of the process once a 64 GiB host with 16 VMs of 6 GiB has run for a moment. */
function residentBigHost(): number {
  const vms = Array.from({ length: 16 }, (_, i) => ({ ...vm(`vm${i}`), pages: parsePages('6GiB') }));
  const host = createHost({ frames: parsePages('64GiB'), swapPages: parsePages('64GiB'), seed: 1, vms });
  host.run(time.ms(20));
  return process.memoryUsage().rss;
}

const { median, low, high, runs } = endToEndRate();
report('host', [
  {
    name: 'end to end, 4 VMs with Zipf workloads, host paging on',
    unit: 'ops/s',
    value: median,
    target: 20e6,
    better: 'higher',
    note: `median of 5 runs of 2 simulated seconds (${(low / 1e6).toFixed(1)}–${(high / 1e6).toFixed(1)} M); ${runs[0]!.ops} guest ops per run, ${runs[0]!.swapped} pages in host swap at the end`,
  },
  {
    name: 'resident memory, 64 GiB host with 16 VMs of 6 GiB (Linux guests, Zipf)',
    unit: 'GiB',
    value: residentBigHost() / 2 ** 30,
    target: 2,
    better: 'lower',
    note: 'process RSS after 20 ms of simulated time, including the runs above',
  },
]);
