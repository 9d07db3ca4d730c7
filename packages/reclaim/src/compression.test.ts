import { ContentStore, checkInvariants, createMachine } from '@hvsim/machine';
import {
  type ContentId,
  createRandom,
  type MechanismAttachment,
  PAGE_SIZE,
  PageState,
  type VmId,
} from '@hvsim/spec';
import { describe, expect, it } from 'vitest';
import { type CompressionMechanism, compression } from './compression';

const PAGES = 40;

/** A page of `random` random bytes (seeded by `seed`) and then a run: lz4 makes `random` + 35 bytes of it. */
function bytes(random: number, seed: number): Uint8Array {
  const page = new Uint8Array(PAGE_SIZE).fill(9);
  const stream = createRandom(seed);
  for (let i = 0; i < random; i++) page[i] = stream.nextInt(256);
  return page;
}

/**
 * A 40-page VM on a 64-frame host whose first `count` pages hold real contents with `random` random bytes
 * each (980: 1015 bytes, four to a cache frame; 4096: incompressible); the cache may take a tenth of the
 * VM, 4 frames. Victims are FIFO: pages go in the order they were written.
 */
function setup(
  random: number,
  { count = 20, swapSlots = 64, attach = {} as Partial<MechanismAttachment> } = {},
) {
  const contents = new ContentStore();
  const machine = createMachine({ frames: 64, swapSlots, contentStore: contents });
  const vm = machine.addVm({ name: 'a', pages: PAGES });
  const written: ContentId[] = [];
  const write = (ppn: number) => {
    written[ppn] = contents.intern(bytes(random, ppn));
    machine.write(vm, ppn, written[ppn]);
  };
  for (let ppn = 0; ppn < count; ppn++) write(ppn);
  const mechanism = compression.create(
    { maxShare: 0.1, victims: 'fifo' },
    { random: createRandom(1), emit: () => {} },
  ) as CompressionMechanism;
  mechanism.attach({
    machine,
    remap: machine,
    guest: () => undefined,
    traps: () => machine.traps,
    contents,
    ...attach,
  });
  const readsBack = () => {
    for (const [ppn, content] of written.entries())
      expect(machine.read(vm, ppn), `page ${ppn}`).toBe(content);
  };
  return { machine, vm, mechanism, write, readsBack };
}

const pagesIn = (machine: ReturnType<typeof setup>['machine'], vm: VmId, state: PageState) =>
  Array.from({ length: PAGES }, (_, ppn) => ppn).filter((ppn) => machine.pageState(vm, ppn) === state);

describe('compression', () => {
  it('compresses victims into the cache, sized by their real bytes, charging each compression', () => {
    const { machine, vm, mechanism, readsBack } = setup(980);
    expect(mechanism.capacity(vm)).toBe(4);
    expect(mechanism.available(vm)).toBe(true);
    // Five frames fewer: seven pages compressed into two cache frames.
    expect(mechanism.reclaim(vm, 5)).toBe(5);
    expect(pagesIn(machine, vm, PageState.Compressed)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(machine.compressionFrames(vm)).toBe(2);
    expect(machine.compressedBytes(vm)).toBe(7 * 1015);
    const c = machine.counters(vm);
    expect(c).toMatchObject({ compressions: 7, compressionRejects: 0, swapOuts: 0 });
    expect(c.time).toBe(20 * (machine.costs.access + machine.costs.zeroFill) + 7 * machine.costs.compress);
    checkInvariants(machine);
    readsBack();
    expect(machine.counters(vm).decompressions).toBe(7);
    expect(machine.compressionFrames(vm)).toBe(0);
    expect(mechanism.release()).toBe(0);
    checkInvariants(machine);
  });

  it('pages out a page that compresses poorly, its compression charged and counted', () => {
    const { machine, vm, mechanism, readsBack } = setup(PAGE_SIZE);
    expect(mechanism.reclaim(vm, 3)).toBe(3);
    expect(pagesIn(machine, vm, PageState.Swapped)).toEqual([0, 1, 2]);
    expect(machine.compressionFrames(vm)).toBe(0);
    expect(machine.counters(vm)).toMatchObject({ compressions: 0, compressionRejects: 3, swapOuts: 3 });
    checkInvariants(machine);
    readsBack();
  });

  it('when the cache is full, writes back the pages stored longest ago, still compressed', () => {
    const { machine, vm, mechanism, write, readsBack } = setup(980);
    expect(mechanism.reclaim(vm, 20)).toBe(16);
    // Twenty pages stored, sixteen fit: the first four went on to swap.
    expect(pagesIn(machine, vm, PageState.Swapped)).toEqual([0, 1, 2, 3]);
    expect(machine.compressionFrames(vm)).toBe(4);
    expect(machine.counters(vm)).toMatchObject({ compressions: 20, compressionRejects: 0, swapOuts: 4 });
    checkInvariants(machine);

    // Page 5 comes back, then pages 20–35 are written: stored again, page 5 is newer than pages 6–19.
    machine.read(vm, 5);
    for (let ppn = 20; ppn < 36; ppn++) write(ppn);
    mechanism.reclaim(vm, 40);
    const stored = [0, 1, 2, 3, 4, ...Array.from({ length: 14 }, (_, i) => 6 + i), 5];
    stored.push(...Array.from({ length: 16 }, (_, i) => 20 + i));
    const swapped = pagesIn(machine, vm, PageState.Swapped);
    expect(swapped.length).toBe(20);
    expect(swapped).toEqual(stored.slice(0, 20).sort((a, b) => a - b));
    expect(pagesIn(machine, vm, PageState.Compressed)).toEqual(stored.slice(20).sort((a, b) => a - b));
    expect(machine.compressionFrames(vm)).toBe(4);
    checkInvariants(machine);
    readsBack();
  });

  it('stops when the cache is full and the swap has no slot; unavailable then', () => {
    const { machine, vm, mechanism, readsBack } = setup(980, { swapSlots: 0 });
    // Sixteen pages fit the four frames the cache may take: twelve frames fewer, then nothing more.
    expect(mechanism.reclaim(vm, 20)).toBe(12);
    expect(machine.compressionFrames(vm)).toBe(4);
    expect(pagesIn(machine, vm, PageState.Compressed)).toHaveLength(16);
    expect(mechanism.available(vm)).toBe(false);
    expect(mechanism.reclaim(vm, 1)).toBe(0);
    checkInvariants(machine);
    readsBack();
    expect(mechanism.available(vm)).toBe(true);
  });

  it('offers each victim to the sharing engine first: a page it shares is not compressed', () => {
    const offered: number[] = [];
    const { machine, vm, mechanism } = setup(980, {
      attach: {
        // A stand-in engine that shares page 1 with page 19 (made to hold page 19's contents).
        shareBeforeSwap: (v, ppn) => {
          offered.push(ppn);
          if (ppn !== 1) return false;
          machine.write(v, 1, machine.peek(v, 19)!);
          machine.share(v, 1, v, 19);
          return true;
        },
      },
    });
    // Page 0 takes a cache frame for its own; sharing frees a frame the VM still counts twice (one per
    // mapper, as the host does); page 2 then fits in the cache frame page 0 opened.
    expect(mechanism.reclaim(vm, 1)).toBe(1);
    expect(offered).toEqual([0, 1, 2]);
    expect(machine.pageState(vm, 1)).toBe(PageState.Shared);
    expect(pagesIn(machine, vm, PageState.Compressed)).toEqual([0, 2]);
  });

  it('sizes contents with no bytes behind them by their id, and checks its options', () => {
    const machine = createMachine({ frames: 64, swapSlots: 64 });
    const vm = machine.addVm({ name: 'a', pages: PAGES });
    for (let ppn = 0; ppn < 10; ppn++) machine.write(vm, ppn, 2 ** 51 + ppn);
    const mechanism = compression.create({}, { random: createRandom(1), emit: () => {} });
    expect(() => mechanism.reclaim(vm, 1)).toThrow(/not attached/);
    mechanism.attach({ machine, remap: machine, guest: () => undefined });
    expect(mechanism.reclaim(vm, 4)).toBe(4);
    // The default 0.4 of a page on average, each between 0.2 and 0.6.
    const compressed = machine.counters(vm).compressions;
    expect(machine.compressedBytes(vm) / (compressed * PAGE_SIZE)).toBeGreaterThan(0.2);
    expect(machine.compressedBytes(vm) / (compressed * PAGE_SIZE)).toBeLessThan(0.6);
    checkInvariants(machine);
    expect(() => compression.create({ maxShare: 2 }, { random: createRandom(1), emit: () => {} })).toThrow(
      /maxShare/,
    );
    expect(() =>
      compression.create({ victims: 'mru' } as never, { random: createRandom(1), emit: () => {} }),
    ).toThrow(/victims/);
  });
});
