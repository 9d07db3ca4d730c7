import { type GuestKernel, linuxGuest, PageUse } from '@hvsim/guest';
import type { Machine } from '@hvsim/machine';
import {
  defineGuestOs,
  defineReclamationMechanism,
  defineReclamationPolicy,
  InvariantCheckFailed,
  PageState,
  parsePages,
  time,
  type VmId,
} from '@hvsim/spec';
import { uniform } from '@hvsim/workloads';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createHost } from './host';
import { zipfVm } from './host.fixture';
import type { HostConfig, VmConfig } from './host-config';

const vm = (name: string, extra: Partial<VmConfig> = {}): VmConfig => zipfVm(name, '2ms', extra);

/** Two 4 MiB VMs on 6 MiB of host memory, overcommitted; 1 ms quanta. */
const config = (extra: Partial<HostConfig> = {}): HostConfig => ({
  frames: parsePages('6MiB'),
  swapPages: parsePages('16MiB'),
  seed: 5,
  quantum: time.ms(1),
  metricInterval: time.ms(10),
  vms: [vm('a'), vm('b', { workload: { definition: uniform, options: { pages: 0.5 } } })],
  ...extra,
});

/** What `run` throws (failing the test when it throws nothing). */
function failure(host: ReturnType<typeof createHost>, until: number): InvariantCheckFailed {
  try {
    host.run(until);
  } catch (error) {
    if (error instanceof InvariantCheckFailed) return error;
    throw error;
  }
  throw new Error('expected an invariant check to fail');
}

/** A mechanism with a bug: "reclaiming" frees the frame of the VM's first private page and leaves it mapped. */
const frameDropper = defineReclamationMechanism({
  name: 'frame-dropper',
  options: z.object({}),
  create: () => {
    let machine: Machine;
    return {
      contract: 'reclamation-mechanism@1',
      name: 'frame-dropper',
      attach: (attachment) => {
        machine = attachment.machine as Machine; // a plugin reaching past the view: what the checks are for
      },
      available: () => true,
      reclaim: (vm, _pages) => {
        for (let ppn = 0; ppn < machine.pageCount(vm); ppn++) {
          if (machine.pageState(vm, ppn) !== PageState.Private) continue;
          machine.frames.release(machine.frameOf(vm, ppn)!);
          return 1;
        }
        return 0;
      },
      release: () => 0,
    };
  },
});

/** Asks the frame dropper for one page of the first VM at every rebalance. */
const dropOne = defineReclamationPolicy({
  name: 'drop-one',
  options: z.object({}),
  create: () => ({
    contract: 'reclamation-policy@1',
    name: 'drop-one',
    plan: ({ vms }) => ({
      actions: vms.slice(0, 1).map((v) => ({ vm: v.vm, mechanism: 'frame-dropper', pages: 1 })),
      blocked: [],
    }),
  }),
});

/** A Linux guest with a bug: once its clock passes 5 ms, it marks one of its free pages in use. */
const leakyGuest = defineGuestOs({
  name: 'leaky-linux',
  options: z.object({}),
  create: (_options, context) => {
    const guest = linuxGuest.create({ bootTime: '2ms' }, context) as GuestKernel;
    const execute = guest.execute.bind(guest);
    let leaked = false;
    guest.execute = (batch, from, until) => {
      const next = execute(batch, from, until);
      if (!leaked && context.machine.vmTime(context.vm) >= time.ms(5)) {
        guest.use[guest.use.indexOf(PageUse.Free)] = PageUse.Anon;
        leaked = true;
      }
      return next;
    };
    return guest;
  },
});

describe('invariant checks of a run', () => {
  it('pass on a healthy overcommitted run, and change nothing: identical metrics and event log', () => {
    const run = (checkInvariants: boolean) => {
      const host = createHost(config({ checkInvariants, frames: parsePages('4MiB') }));
      host.run(time.ms(60));
      const table = host.metrics();
      return {
        metrics: JSON.stringify({ times: [...table.times], series: table.series }),
        events: JSON.stringify(host.events),
        swapped: host.machine.usedSwapSlots,
      };
    };
    const checked = run(true);
    expect(checked.swapped).toBeGreaterThan(0); // the host paged: the checks saw swap, not only fresh pages
    expect(checked).toEqual(run(false));
  });

  it('catch a reclamation mechanism that frees a frame a page still maps, after the rebalance that ran it, named', () => {
    const host = createHost(
      config({
        checkInvariants: true,
        periods: { rebalance: time.ms(20) },
        policies: {
          reclamation: { definition: dropOne, options: {} },
          mechanisms: [{ definition: frameDropper, options: {} }],
        },
      }),
    );
    const error = failure(host, time.ms(60));
    const a = host.vmId('a') as VmId;
    const page = error.page!;
    expect(error).toMatchObject({
      code: 'invariant-broken',
      invariant: 'pages partition exactly',
      vm: 'a',
      after: "the host's steps between quanta (tasks: metrics, rebalance)",
      time: time.ms(20),
    });
    expect(host.machine.pageState(a, page)).toBe(PageState.Private);
    const frame = host.machine.frameOf(a, page);
    expect(error.message).toBe(
      `invariant 'pages partition exactly' broke after the host's steps between quanta (tasks: metrics, rebalance) at 20.00 ms: ` +
        `page ${page} of vm 'a': private, maps frame ${frame}, which is free`,
    );
  });

  it("catch a guest that corrupts its own bookkeeping, after that VM's quantum", () => {
    const host = createHost(
      config({
        checkInvariants: true,
        vms: [vm('a'), vm('b', { guest: { definition: leakyGuest, options: {} } })],
      }),
    );
    const error = failure(host, time.ms(60));
    expect(error).toMatchObject({
      invariant: 'guest pages are used once',
      vm: 'b',
      after: "the quantum of vm 'b'",
    });
    expect((host.guest('b') as GuestKernel).use[error.page!]).toBe(PageUse.Anon); // the page it leaked
    expect(error.message).toMatch(
      new RegExp(
        `^invariant 'guest pages are used once' broke after the quantum of vm 'b' at \\d+\\.\\d\\d ms: page ${error.page} of vm 'b': `,
      ),
    );
  });

  it('let a buggy run finish unnoticed when off (what the checks are for)', () => {
    const host = createHost(
      config({ vms: [vm('a'), vm('b', { guest: { definition: leakyGuest, options: {} } })] }),
    );
    expect(() => host.run(time.ms(60))).not.toThrow();
  });
});
