import {
  defineWorkload,
  durationOption,
  InvalidOptionsError,
  OpKind,
  resolvePages,
  sizeOption,
} from '@hvsim/spec';
import { z } from 'zod';

/** Longest Compute op: a pause is cut into slices, so that no op spans many of the VM's quanta. */
const SLICE = 1e6;

/**
 * A service that works in bursts: for `burst` it reads and writes a hot set at random, then it sits idle
 * for `pause`, and again. A page it writes holds data of its own VM (content 1 + vm · 2^32 + page).
 */
export const bursty = defineWorkload({
  name: 'bursty',
  description: 'Bursts of random reads and writes over a hot set, separated by idle pauses.',
  options: z.object({
    hot: sizeOption('hot set touched during a burst', { default: 0.25 }),
    burst: durationOption('length of a burst', { default: '2s' }),
    pause: durationOption('idle time between bursts', { default: '3s' }),
    writeFraction: z.number().min(0).max(1).default(0.25).describe('share of accesses that write'),
  }),
  create(options, { random, vm, vmPages }) {
    const hot = resolvePages(options.hot, vmPages);
    const problems = [
      ...(hot > vmPages ? [{ path: 'hot', message: `${hot} pages do not fit in the VM's ${vmPages}` }] : []),
      ...(options.burst > 0 ? [] : [{ path: 'burst', message: 'expected a burst longer than 0' }]),
    ];
    if (problems.length > 0) throw new InvalidOptionsError('bursty.options', problems);
    const cycle = options.burst + options.pause;
    let start = Number.NaN;
    return {
      contract: 'workload@1',
      name: 'bursty',
      fill(batch, now) {
        if (Number.isNaN(start)) start = now;
        const into = (now - start) % cycle;
        let n = 0;
        if (into >= options.burst) {
          // Idle until the next burst: only Compute, and nothing after it, so the burst starts on time.
          for (let left = cycle - into; left > 0 && n < batch.capacity; left -= SLICE, n++) {
            batch.kind[n] = OpKind.Compute;
            batch.target[n] = Math.min(left, SLICE);
            batch.content[n] = 0;
          }
        } else {
          for (; n < batch.capacity; n++) {
            const page = random.nextInt(hot);
            const write = random.nextFloat() < options.writeFraction;
            batch.kind[n] = write ? OpKind.Write : OpKind.Read;
            batch.target[n] = page;
            batch.content[n] = write ? 1 + vm * 2 ** 32 + page : 0;
          }
        }
        batch.length = n;
        return n;
      },
    };
  },
});
