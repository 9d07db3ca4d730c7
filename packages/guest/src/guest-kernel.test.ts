import { checkInvariants } from '@hvsim/machine';
import {
  type BlockRead,
  createOpBatch,
  GuestPageUsage,
  InvalidOptionsError,
  imageBlockContent,
  OpKind,
  PageState,
  time,
  type VirtualDisk,
} from '@hvsim/spec';
import { describe, expect, it, vi } from 'vitest';
import { type Op, runOps as run, testGuest } from './guest.fixture';
import { checkGuestInvariants } from './invariants';
import { GuestOutOfMemoryError, PageUse } from './page-use';

const W = (vpn: number, c: number): Op => [OpKind.Write, vpn, c];
const R = (vpn: number): Op => [OpKind.Read, vpn];

describe('anonymous memory', () => {
  it('Linux clears a new anonymous page when it allocates it, then writes', () => {
    const { machine, guest } = testGuest({ guest: { kernel: 2, bootTime: 0 } });
    const before = { ...machine.counters(guest.vm) };
    run(guest, W(5, 42));
    const after = machine.counters(guest.vm);
    expect(after.writes - before.writes).toBe(2); // clear_page, then the workload's write
    expect(after.zeroFills - before.zeroFills).toBe(1);
    expect(guest.peekVirtual(5)).toBe(42);
    expect(guest.peekVirtual(6)).toBe(0);
  });

  it('Linux touches only its kernel at boot; Windows zeroes all its memory', () => {
    const linux = testGuest({ kind: 'linux', pages: 32, guest: { kernel: 4 } });
    expect(linux.machine.pagePartition(linux.guest.vm).private).toBe(4);
    const windows = testGuest({ kind: 'windows', pages: 32, guest: { kernel: 4 } });
    expect(windows.machine.pagePartition(windows.guest.vm).private).toBe(32);
    for (let ppn = 4; ppn < 32; ppn++) expect(windows.machine.peek(windows.guest.vm, ppn)).toBe(0);
  });

  it('kernel pages hold the blocks of the disk image, identical across VMs of one image', () => {
    const a = testGuest({ guest: { kernel: 3, image: 'debian' } });
    const b = testGuest({ guest: { kernel: 3, image: 'debian' } });
    for (let ppn = 0; ppn < 3; ppn++) {
      expect(a.machine.peek(a.guest.vm, ppn)).toBe(imageBlockContent('debian', ppn));
      expect(b.machine.peek(b.guest.vm, ppn)).toBe(a.machine.peek(a.guest.vm, ppn));
      expect(a.guest.use[ppn]).toBe(PageUse.Kernel);
    }
  });

  it("Windows' zero-page thread clears freed pages while idle, and reuses them without clearing", () => {
    const { machine, guest } = testGuest({
      kind: 'windows',
      guest: { kernel: 2, bootTime: 0, zeroPageRate: 1 },
    });
    run(guest, W(0, 7));
    const ppn = guest.pageOf(0);
    run(guest, [OpKind.Free, 0]);
    expect(guest.dirtyFree.size).toBe(1);
    expect(machine.peek(guest.vm, ppn)).toBe(7); // freed, not yet cleared
    run(guest, [OpKind.Compute, 1e6]); // 1 ms idle at 1 page/ms
    expect(machine.peek(guest.vm, ppn)).toBe(0);
    expect(guest.dirtyFree.size).toBe(0);
    const writes = machine.counters(guest.vm).writes;
    run(guest, W(1, 9));
    expect(machine.counters(guest.vm).writes - writes).toBe(1); // no clearing write
  });

  it('Compute charges the VM its time', () => {
    const { machine, guest } = testGuest({ guest: { bootTime: 0 } });
    const t = machine.vmTime(guest.vm);
    run(guest, [OpKind.Compute, 5e6]);
    expect(machine.vmTime(guest.vm) - t).toBe(5e6);
  });

  it('pages out to guest swap when memory is full and pages back in with the right contents', () => {
    const { machine, guest } = testGuest({
      pages: 16,
      guest: { kernel: 2, swap: 64, addressSpace: 64, bootTime: 0 },
    });
    for (let vpn = 0; vpn < 40; vpn++) run(guest, W(vpn, 100 + vpn));
    const c = guest.counters();
    expect(c.guestSwapOuts).toBeGreaterThanOrEqual(40 - 14);
    for (let vpn = 0; vpn < 40; vpn++) expect(guest.peekVirtual(vpn)).toBe(100 + vpn);
    const ins = c.guestSwapIns;
    run(guest, R(0));
    expect(guest.counters().guestSwapIns).toBe(ins + 1);
    expect(guest.peekVirtual(0)).toBe(100);
    expect(machine.counters(guest.vm).diskReads).toBe(guest.counters().diskReads);
    expect(machine.counters(guest.vm).diskWrites).toBe(guest.counters().diskWrites);
    checkInvariants(machine);
  });

  it('tells its disk each page-out and page-in (the page, the slot), and fills a page read back by DMA', () => {
    const outs: [number, number][] = [];
    const ins: [number, number, number][] = [];
    const { machine, guest } = testGuest({
      pages: 16,
      guest: { kernel: 2, swap: 64, addressSpace: 64, bootTime: 0 },
      disk: () => ({
        swapOut: (ppn, slot) => outs.push([ppn, slot]),
        // Seen before the write: the page does not hold the swapped content yet.
        swapIn: (ppn, slot) => ins.push([ppn, slot, machine.peek(guest.vm, ppn) ?? 0]),
      }),
    });
    for (let vpn = 0; vpn < 40; vpn++) run(guest, W(vpn, 100 + vpn));
    expect(outs).toHaveLength(guest.counters().guestSwapOuts);
    const slotOfVpn0 = guest.swapSlotOf(0);
    expect(outs.some(([, slot]) => slot === slotOfVpn0)).toBe(true);
    const writes = machine.counters(guest.vm).writes;
    run(guest, R(0));
    // The page read back is neither cleared first nor written by the CPU: the disk's DMA fills it.
    expect(machine.counters(guest.vm).writes).toBe(writes);
    expect(ins).toHaveLength(1);
    const [ppn, slot, before] = ins[0]!;
    expect(slot).toBe(slotOfVpn0);
    expect(before).not.toBe(100);
    expect(machine.peek(guest.vm, ppn)).toBe(100);
  });

  it('counts double paging: the guest pages out a page the host already swapped', () => {
    const { machine, guest } = testGuest({
      pages: 8,
      guest: { kernel: 1, swap: 16, addressSpace: 16, bootTime: 0 },
    });
    for (let vpn = 0; vpn < 7; vpn++) run(guest, W(vpn, 10 + vpn));
    for (let ppn = 1; ppn < 8; ppn++) machine.swapOut(guest.vm, ppn);
    machine.flushSwapWrites();
    const hostSwapIns = machine.counters(guest.vm).swapIns;
    run(guest, W(7, 99)); // memory is full: the guest evicts its LRU page, which the host had swapped
    expect(guest.counters().doublePagings).toBe(1);
    expect(machine.counters(guest.vm).swapIns).toBeGreaterThan(hostSwapIns);
    for (let vpn = 0; vpn < 8; vpn++) expect(guest.peekVirtual(vpn)).toBe(vpn === 7 ? 99 : 10 + vpn);
  });

  it('fails with GuestOutOfMemoryError when nothing can be reclaimed', () => {
    const { guest } = testGuest({ pages: 8, guest: { kernel: 1, swap: 0, addressSpace: 16, bootTime: 0 } });
    for (let vpn = 0; vpn < 7; vpn++) run(guest, W(vpn, 1));
    expect(() => run(guest, W(7, 1))).toThrow(GuestOutOfMemoryError);
  });

  it('refuses a virtual page outside the address space, naming it', () => {
    const { guest } = testGuest({ guest: { addressSpace: 8, bootTime: 0 } });
    expect(() => run(guest, W(8, 1))).toThrow('workload target: virtual page 8, outside [0, 8)');
    expect(() => run(guest, W(1.5, 1))).toThrow('virtual page 1.5, outside [0, 8)');
    expect(() => run(guest, [OpKind.FileRead, -1])).toThrow(/disk block -1, outside \[0, \d+\)/);
  });
});

describe('deadlines', () => {
  it('stops a batch at the first slow op past the deadline and resumes where it stopped', () => {
    const { machine, guest } = testGuest({ guest: { bootTime: 0, disk: 64, readahead: 0 } });
    const batch = createOpBatch(10);
    for (let i = 0; i < 10; i++) {
      batch.kind[i] = OpKind.FileRead;
      batch.target[i] = i;
    }
    batch.length = 10;
    const start = machine.vmTime(guest.vm);
    const next = guest.execute(batch, 0, start + 1); // the first disk read (8 ms) passes the deadline
    expect(next).toBe(1);
    expect(guest.counters().ops).toBe(1);
    expect(guest.execute(batch, next)).toBe(10);
    expect(guest.counters().ops).toBe(10);
    expect(guest.counters().diskReads).toBe(10);
  });

  it('counts memory ops, not the time a workload computes', () => {
    const { guest } = testGuest({ guest: { bootTime: 0 } });
    const batch = createOpBatch(6);
    const kinds = [OpKind.Read, OpKind.Compute, OpKind.Read, OpKind.Compute, OpKind.Free, OpKind.Compute];
    kinds.forEach((kind, i) => {
      batch.kind[i] = kind;
      batch.target[i] = kind === OpKind.Compute ? 1000 : 3;
    });
    batch.length = 6;
    guest.execute(batch, 0, 1); // faults page 3 in, then stops at the first deadline check
    const before = guest.counters().ops;
    const start = guest.vmTime();
    // The deadline stops it after the first Compute op; the rest runs on the second call.
    expect(guest.execute(batch, 0, start + 1)).toBe(2);
    expect(guest.counters().ops - before).toBe(1);
    expect(guest.execute(batch, 2)).toBe(6);
    expect(guest.counters().ops - before).toBe(3);
  });
});

/** A disk layer that tells `seen` each page the disk below filled, once filled. */
const transfersTo =
  (seen: (ppn: number, image: string, block: number, content: number) => void) =>
  (below: VirtualDisk): Partial<VirtualDisk> => ({
    transfer: (ppn, image, block, content) => {
      below.transfer(ppn, image, block, content);
      seen(ppn, image, block, content);
    },
  });

describe('page cache', () => {
  it('reads a block from disk on a miss, then hits, with one transfer by the disk', () => {
    const onDiskRead = vi.fn();
    const { machine, guest } = testGuest({
      guest: { image: 'img', bootTime: 0, readahead: 0 },
      disk: transfersTo(onDiskRead),
    });
    run(guest, [OpKind.FileRead, 3], [OpKind.FileRead, 3]);
    expect(guest.counters().diskReads).toBe(1);
    const ppn = guest.cachedPage(3);
    expect(machine.peek(guest.vm, ppn)).toBe(imageBlockContent('img', 3));
    expect(onDiskRead).toHaveBeenCalledExactlyOnceWith(ppn, 'img', 3, imageBlockContent('img', 3));
  });

  it('asks its disk once per request: blocks a sharing layer fills need no disk read, the rest one request', () => {
    const shared = new Set([11, 12, 14]);
    const requests: number[][] = [];
    const { machine, guest } = testGuest({
      pages: 64,
      guest: { image: 'img', bootTime: 0, readahead: 8, disk: 100 },
      disk: () => ({
        // A layer that holds some blocks in memory already: it fills those pages without the disk.
        request: (read) => {
          requests.push(Array.from(read.blocks.subarray(0, read.length)));
          let served = 0;
          for (let i = 0; i < read.length; i++) {
            const block = read.blocks[i]!;
            expect(read.images[i]).toBe('img');
            expect(read.contents[i]).toBe(imageBlockContent('img', block));
            read.shared[i] = shared.has(block) ? 1 : 0;
            if (!shared.has(block)) continue;
            machine.deviceWrite(guest.vm, read.ppns[i]!, read.contents[i]!);
            served++;
          }
          return served;
        },
      }),
    });
    const start = machine.vmTime(guest.vm);
    run(guest, [OpKind.FileRead, 10]);
    // The miss and its readahead window, every page allocated before the device is asked.
    expect(requests).toEqual([[10, 11, 12, 13, 14, 15, 16, 17]]);
    const { diskRead, diskTransfer } = machine.costs;
    expect(guest.counters()).toMatchObject({ diskReads: 1, sharedReads: 3 });
    // One request for the five blocks left to the disk.
    expect(machine.vmTime(guest.vm) - start).toBeGreaterThanOrEqual(diskRead + 4 * diskTransfer);
    expect(machine.vmTime(guest.vm) - start).toBeLessThan(diskRead + 5 * diskTransfer);
    for (let block = 10; block < 18; block++)
      expect(machine.peek(guest.vm, guest.cachedPage(block))).toBe(imageBlockContent('img', block));
    // A miss the device serves whole is no disk request at all.
    for (let block = 20; block < 28; block++) shared.add(block);
    run(guest, [OpKind.FileRead, 20]);
    expect(guest.counters()).toMatchObject({ diskReads: 1, sharedReads: 11 });
  });

  it('allocates a readahead window before reading it: a page reclaim took back for a later one is not read', () => {
    // Six pages for the cache, a window of four: blocks 0–3 cached and referenced, then a miss on block 4.
    const { machine, guest } = testGuest({
      pages: 8,
      guest: { kernel: 2, swap: 0, disk: 64, bootTime: 0, readahead: 4 },
    });
    run(guest, [OpKind.FileRead, 0], [OpKind.FileRead, 1], [OpKind.FileRead, 2], [OpKind.FileRead, 3]);
    const start = machine.vmTime(guest.vm);
    run(guest, [OpKind.FileRead, 4]);
    // Reclaim for block 6's page passed over the referenced pages and took block 5's, allocated but not read.
    expect(guest.cachedPage(5)).toBe(-1);
    for (const block of [4, 6])
      expect(machine.peek(guest.vm, guest.cachedPage(block))).toBe(guest.onDisk(block));
    // One request of the two blocks still cached.
    const { diskRead, diskTransfer } = machine.costs;
    expect(guest.counters().diskReads).toBe(2);
    expect(machine.vmTime(guest.vm) - start).toBeGreaterThanOrEqual(diskRead + diskTransfer);
    expect(machine.vmTime(guest.vm) - start).toBeLessThan(diskRead + 2 * diskTransfer);
  });

  it('read(2) into a buffer copies the cache page, or lets a hooked copy routine map it (Disco)', () => {
    const { machine, guest } = testGuest({ guest: { image: 'img', bootTime: 0, readahead: 0 } });
    run(guest, [OpKind.FileCopy, 3, 7]);
    const buffer = guest.pageOf(7);
    expect(machine.peek(guest.vm, buffer)).toBe(imageBlockContent('img', 3));
    expect(machine.pageState(guest.vm, buffer)).toBe(PageState.Private);
    const copyPage = vi.fn((dst: number, src: number) => {
      hooked.machine.fillShared(hooked.guest.vm, dst, hooked.guest.vm, src);
      return true;
    });
    const hooked = testGuest({ guest: { image: 'img', bootTime: 0, readahead: 0 }, copier: { copyPage } });
    const writes = hooked.machine.counters(hooked.guest.vm).writes;
    run(hooked.guest, [OpKind.FileCopy, 3, 7]);
    const [dst, src] = [hooked.guest.pageOf(7), hooked.guest.cachedPage(3)];
    expect(copyPage).toHaveBeenCalledExactlyOnceWith(dst, src);
    expect(hooked.machine.frameOf(hooked.guest.vm, dst)).toBe(hooked.machine.frameOf(hooked.guest.vm, src));
    expect(hooked.machine.counters(hooked.guest.vm).writes - writes).toBe(1); // the buffer's clear, no copy
    // The program writes its buffer: a private copy, the cache page unchanged.
    run(hooked.guest, W(7, 99));
    expect(hooked.machine.peek(hooked.guest.vm, src)).toBe(imageBlockContent('img', 3));
    checkInvariants(hooked.machine);
  });

  it('reads ahead: a miss brings in the blocks after it in the same request, which then hit', () => {
    const onDiskRead = vi.fn();
    const { machine, guest } = testGuest({
      pages: 64,
      guest: { image: 'img', bootTime: 0, readahead: 8, disk: 100 },
      disk: transfersTo(onDiskRead),
    });
    const start = machine.vmTime(guest.vm);
    run(guest, [OpKind.FileRead, 10]);
    const { diskRead, diskTransfer } = machine.costs;
    expect(guest.counters().diskReads).toBe(1);
    expect(machine.vmTime(guest.vm) - start).toBeGreaterThanOrEqual(diskRead + 7 * diskTransfer);
    expect(machine.vmTime(guest.vm) - start).toBeLessThan(diskRead + 8 * diskTransfer);
    for (let block = 10; block < 18; block++) {
      expect(machine.peek(guest.vm, guest.cachedPage(block))).toBe(imageBlockContent('img', block));
    }
    expect(guest.cachedPage(18)).toBe(-1);
    expect(onDiskRead).toHaveBeenCalledTimes(8);
    for (let block = 11; block < 18; block++) run(guest, [OpKind.FileRead, block]);
    expect(guest.counters().diskReads).toBe(1);
    // The window stops at a block already cached and at the end of the disk.
    run(guest, [OpKind.FileRead, 5]);
    expect(guest.cachedPage(9)).toBeGreaterThanOrEqual(0);
    expect(onDiskRead).toHaveBeenCalledTimes(13); // blocks 5–9
    run(guest, [OpKind.FileRead, 97]);
    expect(onDiskRead).toHaveBeenCalledTimes(16); // blocks 97–99
    expect(guest.counters().diskReads).toBe(3);
  });

  it('reads ahead only as far as memory under pressure holds the window, and never loses the missed page', () => {
    const onDiskRead = vi.fn();
    const { guest } = testGuest({
      pages: 12,
      guest: { kernel: 1, swap: 0, bootTime: 0, readahead: 8, disk: 100 },
      disk: transfersTo(onDiskRead),
    });
    run(guest, [OpKind.FileRead, 0]);
    expect(onDiskRead).toHaveBeenCalledTimes(8); // 11 free pages hold the whole window
    for (let block = 9; block < 100; block += 9) {
      run(guest, [OpKind.FileRead, block]);
      expect(guest.cachedPage(block)).toBeGreaterThanOrEqual(0);
      guest.checkInvariants();
    }
    // Once memory is full, a window reads only while the inactive list could hold a whole one.
    expect(guest.counters().diskReads).toBe(12);
    expect(onDiskRead.mock.calls.length).toBeLessThan((8 * 12) / 2); // full windows would read 89 blocks
  });

  it('writes a dirty block back with the dirty blocks after it in one request; they stay cached, clean', () => {
    const { guest } = testGuest({
      pages: 8,
      guest: { image: 'img', kernel: 1, swap: 0, disk: 64, bootTime: 0, readahead: 4 },
    });
    for (let block = 0; block < 6; block++) run(guest, [OpKind.FileWrite, block, 100 + block]);
    run(guest, [OpKind.FileRead, 20]); // its readahead evicts block 0, the oldest
    expect(guest.counters().diskWrites).toBe(1);
    for (let block = 0; block < 4; block++) expect(guest.onDisk(block)).toBe(100 + block);
    expect(guest.onDisk(4)).toBe(imageBlockContent('img', 4)); // past the window: still only cached
    expect(guest.cachedPage(3)).toBeGreaterThanOrEqual(0);
    expect(guest.dirty[guest.cachedPage(3)]).toBe(0);
    for (let block = 0; block < 6; block++) expect(guest.peekBlock(block)).toBe(100 + block);
  });

  it('a written block is dirty and written back when evicted', () => {
    const { guest } = testGuest({ pages: 8, guest: { kernel: 1, swap: 0, disk: 64, bootTime: 0 } });
    run(guest, [OpKind.FileWrite, 0, 77]);
    expect(guest.dirty[guest.cachedPage(0)]).toBe(1);
    expect(guest.counters().diskReads).toBe(0); // a full overwrite reads nothing
    for (let block = 1; block < 20; block++) run(guest, [OpKind.FileRead, block]);
    expect(guest.cachedPage(0)).toBe(-1);
    expect(guest.onDisk(0)).toBe(77);
    expect(guest.counters().diskWrites).toBe(1);
    expect(guest.peekBlock(0)).toBe(77);
  });

  it('names a block it rewrote by its own overlay, not the base image: no other VM is served its writes', () => {
    // What the device was asked: each request's pages, with their images, blocks and contents.
    const asked: [number, string, number, number][] = [];
    const request = (read: BlockRead) => {
      for (let i = 0; i < read.length; i++)
        asked.push([read.ppns[i]!, read.images[i]!, read.blocks[i]!, read.contents[i]!]);
      return 0;
    };
    const onDiskRead = vi.fn();
    const { machine, guest } = testGuest({
      pages: 8,
      guest: { image: 'img', kernel: 1, swap: 0, disk: 64, bootTime: 0, readahead: 0 },
      disk: (below) => ({ request, ...transfersTo(onDiskRead)(below) }),
    });
    run(guest, [OpKind.FileWrite, 0, 77]);
    for (let block = 1; block < 20; block++) run(guest, [OpKind.FileRead, block]); // evicts block 0, written back
    expect(guest.cachedPage(0)).toBe(-1);
    expect(guest.onDisk(0)).toBe(77);
    expect(asked).toContainEqual([guest.cachedPage(19), 'img', 19, imageBlockContent('img', 19)]);
    asked.length = 0;
    onDiskRead.mockClear();
    run(guest, [OpKind.FileRead, 0]);
    const ppn = guest.cachedPage(0);
    expect(machine.peek(guest.vm, ppn)).toBe(77);
    const overlay = `img#vm${guest.vm}`;
    expect(asked).toEqual([[ppn, overlay, 0, 77]]);
    expect(onDiskRead).toHaveBeenCalledExactlyOnceWith(ppn, overlay, 0, 77);
  });

  it('a discard fault on a page that is not a clean cache page is reported, never papered over', () => {
    const { machine, guest } = testGuest({ guest: { bootTime: 0 } });
    run(guest, [OpKind.FileWrite, 2, 5]);
    // The host discards the dirty page behind the guest's back (only a broken host could).
    const ppn = guest.cachedPage(2);
    machine.setPageUsage(guest.vm, ppn, GuestPageUsage.Volatile);
    machine.discard(guest.vm, ppn);
    expect(() => run(guest, [OpKind.FileRead, 2])).toThrow(/not a clean cache page/);
  });
});

describe('write-back', () => {
  it('writes a dirty cache page back within `writeback` of its first write, by a flusher every half of it', () => {
    const { machine, guest } = testGuest({
      guest: { image: 'img', bootTime: 0, writeback: '30s', pageHints: true },
    });
    run(guest, [OpKind.FileWrite, 2, 5]);
    const ppn = guest.cachedPage(2);
    const writes = guest.counters().diskWrites;
    machine.charge(guest.vm, time.s(16)); // the pass at 15 s finds it dirty since: not yet
    run(guest, [OpKind.FileRead, 9]);
    expect(guest.dirty[ppn]).not.toBe(0);
    run(guest, [OpKind.FileWrite, 2, 6]); // a second write does not restart its age
    machine.charge(guest.vm, time.s(15)); // the pass at 31 s writes it
    run(guest, [OpKind.FileRead, 9]);
    expect(guest.dirty[ppn]).toBe(0);
    expect(guest.onDisk(2)).toBe(6);
    expect(guest.counters().diskWrites).toBe(writes + 1);
    expect(guest.pageUsage(ppn)).toBe(GuestPageUsage.Volatile);
    checkGuestInvariants(guest);
  });

  it('by default writes dirty pages only when it evicts them', () => {
    const { machine, guest } = testGuest({ guest: { image: 'img', bootTime: 0 } });
    run(guest, [OpKind.FileWrite, 2, 5]);
    machine.charge(guest.vm, time.s(600));
    run(guest, [OpKind.FileRead, 9]);
    expect(guest.dirty[guest.cachedPage(2)]).not.toBe(0);
    expect(guest.counters().diskWrites).toBe(0);
  });
});

describe('page hints (CMM2)', () => {
  const hinted = () => testGuest({ guest: { image: 'img', bootTime: 0, pageHints: true } });
  const { Stable, Unused, Volatile } = GuestPageUsage;

  it('marks free pages unused at boot and when freed; the host drops them without I/O', () => {
    const { machine, guest } = hinted();
    const free = guest.zeroed.pop();
    guest.zeroed.push(free);
    expect(guest.pageUsage(free)).toBe(Unused);
    run(guest, [OpKind.Write, 3, 7]);
    const ppn = guest.pageOf(3);
    expect(guest.pageUsage(ppn)).toBe(Stable);
    run(guest, [OpKind.Free, 3]);
    expect(guest.pageUsage(ppn)).toBe(Unused);
    expect(machine.evict(guest.vm, ppn)).toBe('dropped');
    expect(machine.counters(guest.vm)).toMatchObject({ drops: 1, swapOuts: 0 });
    checkGuestInvariants(guest);
  });

  it('marks a clean cache page volatile: the host discards it, the next read re-reads it from disk', () => {
    const { machine, guest } = hinted();
    run(guest, [OpKind.FileRead, 2]);
    const ppn = guest.cachedPage(2);
    expect(guest.pageUsage(ppn)).toBe(Volatile);
    expect(machine.evict(guest.vm, ppn)).toBe('discarded');
    const reads = guest.counters().diskReads;
    run(guest, [OpKind.FileRead, 2]);
    expect(guest.counters().diskReads).toBe(reads + 1);
    expect(machine.counters(guest.vm).discardFaults).toBe(1);
    expect(machine.peek(guest.vm, ppn)).toBe(imageBlockContent('img', 2));
    expect(guest.pageUsage(ppn)).toBe(Volatile); // clean again
    checkGuestInvariants(guest);
  });

  it('keeps a dirty cache page stable until written back: the host pages it out, never discards it', () => {
    const { machine, guest } = hinted();
    run(guest, [OpKind.FileRead, 2], [OpKind.FileWrite, 2, 5]);
    const ppn = guest.cachedPage(2);
    expect(guest.pageUsage(ppn)).toBe(Stable);
    expect(machine.evict(guest.vm, ppn)).toBe('swapped');
    expect(guest.peekBlock(2)).toBe(5);
    checkGuestInvariants(guest);
  });

  it('a write to a cached page the host discarded takes a fresh page and reads nothing from disk', () => {
    const { machine, guest } = hinted();
    run(guest, [OpKind.FileRead, 2]);
    const old = guest.cachedPage(2);
    machine.evict(guest.vm, old);
    const reads = guest.counters().diskReads;
    const hints = machine.counters(guest.vm).hints;
    run(guest, [OpKind.FileWrite, 2, 9]);
    expect(guest.counters().diskReads).toBe(reads);
    expect(machine.counters(guest.vm).discardFaults).toBe(0);
    // set-stable-if-not-discarded failed, the old page was freed (unused), the new one allocated (stable).
    expect(machine.counters(guest.vm).hints).toBe(hints + 3);
    expect(guest.peekBlock(2)).toBe(9);
    checkGuestInvariants(guest);
  });

  it('gives no hints unless asked: every page stays stable', () => {
    const { machine, guest } = testGuest({ guest: { bootTime: 0 } });
    run(guest, [OpKind.FileRead, 2], [OpKind.Write, 3, 1], [OpKind.Free, 3]);
    expect(machine.counters(guest.vm).hints).toBe(0);
    expect(guest.pageUsage(guest.cachedPage(2))).toBe(Stable);
  });
});

describe('balloon driver', () => {
  it('is unavailable while the guest boots', () => {
    const { machine, guest } = testGuest({
      guest: { bootTime: '1s', balloon: { limit: 0.5, rate: 1, installed: true } },
    });
    expect(guest.booted).toBe(false);
    expect(guest.balloon.inflate(4)).toBe(0);
    machine.charge(guest.vm, 1e9);
    expect(guest.booted).toBe(true);
    expect(guest.balloon.inflate(4)).toBe(4);
  });

  it('inflates through the guest allocator: the guest pages out to make room', () => {
    const { machine, guest } = testGuest({
      pages: 16,
      guest: {
        kernel: 2,
        swap: 32,
        addressSpace: 32,
        bootTime: 0,
        balloon: { limit: 0.5, rate: 1, installed: true },
      },
    });
    for (let vpn = 0; vpn < 14; vpn++) run(guest, W(vpn, 50 + vpn));
    expect(guest.balloon.inflate(8)).toBe(8);
    expect(machine.pagePartition(guest.vm).ballooned).toBe(8);
    expect(guest.counters().guestSwapOuts).toBe(8);
    for (let vpn = 0; vpn < 14; vpn++) expect(guest.peekVirtual(vpn)).toBe(50 + vpn);
    checkGuestInvariants(guest);
    checkInvariants(machine);
  });

  it('keeps to its limit and its rate per second of VM time', () => {
    const { machine, guest } = testGuest({
      pages: 100,
      guest: { bootTime: 0, balloon: { limit: 0.3, rate: 0.1, installed: true } },
    });
    expect(guest.balloon.limit).toBe(30);
    expect(guest.balloon.inflate(50)).toBe(10); // 10 pages per second
    expect(guest.balloon.inflate(50)).toBe(0);
    machine.charge(guest.vm, 1e9);
    expect(guest.balloon.inflate(50)).toBe(10);
    machine.charge(guest.vm, 1e9);
    machine.charge(guest.vm, 1e9);
    expect(guest.balloon.inflate(50)).toBe(10);
    machine.charge(guest.vm, 1e9);
    expect(guest.balloon.inflate(50)).toBe(0); // at its limit of 30
    expect(guest.balloon.deflate(5)).toBe(5);
    expect(machine.pagePartition(guest.vm).ballooned).toBe(25);
  });

  it('moves toward the target the host sets as the guest runs, at its rate per second of VM time', () => {
    const { machine, guest } = testGuest({
      pages: 100,
      guest: { bootTime: 0, balloon: { limit: 0.3, rate: 0.1, installed: true } },
    });
    guest.balloon.setTarget(50);
    expect(guest.balloon.target).toBe(30); // its limit
    expect(guest.balloon.size).toBe(0);
    run(guest, [OpKind.Read, 0]); // the driver polls as the guest runs: a second's 10 pages
    expect(guest.balloon.size).toBe(10);
    run(guest, [OpKind.Compute, 0.5e9]);
    run(guest, [OpKind.Read, 0]);
    expect(guest.balloon.size).toBe(10); // half a second on: nothing more this second
    run(guest, [OpKind.Compute, 0.5e9]);
    run(guest, [OpKind.Read, 0]);
    expect(guest.balloon.size).toBe(20);
    run(guest, [OpKind.Compute, 1e9]);
    run(guest, [OpKind.Read, 0]);
    expect(guest.balloon.size).toBe(30);
    guest.balloon.setTarget(25);
    run(guest, [OpKind.Compute, 1e9]);
    run(guest, [OpKind.Read, 0]);
    expect(guest.balloon.size).toBe(25);
    expect(machine.pagePartition(guest.vm).ballooned).toBe(25);
  });

  it('can be disabled and enabled', () => {
    const { guest } = testGuest({
      guest: { bootTime: 0, balloon: { limit: 0.5, rate: 1, installed: true } },
    });
    guest.balloon.disable();
    expect(guest.balloon.available).toBe(false);
    expect(guest.balloon.inflate(2)).toBe(0);
    guest.balloon.enable();
    expect(guest.balloon.inflate(2)).toBe(2);
  });

  it('uninstalled, its pages go back to the guest, and the host sees pops when they are touched', () => {
    const { machine, guest } = testGuest({
      pages: 16,
      guest: { kernel: 2, bootTime: 0, balloon: { limit: 0.65, rate: 1, installed: true } },
    });
    expect(guest.balloon.inflate(14)).toBe(10); // limit 0.65 of 16
    guest.balloon.uninstall();
    expect(guest.balloon.available).toBe(false);
    for (let vpn = 0; vpn < 14; vpn++) run(guest, W(vpn, 1));
    expect(machine.counters(guest.vm).balloonPops).toBe(10);
    expect(machine.pagePartition(guest.vm).ballooned).toBe(0);
    checkInvariants(machine);
  });
});

describe('options', () => {
  it('names the field at fault', () => {
    expect(() => testGuest({ guest: { kernel: -1 } })).toThrow(InvalidOptionsError);
    expect(() => testGuest({ guest: { kernel: -1 } })).toThrow(/kernel/);
    expect(() => testGuest({ guest: { bootTime: 'soon' } })).toThrow(/bootTime/);
    expect(() => testGuest({ guest: { balloon: { limit: 2, rate: 0.1, installed: true } } })).toThrow(
      /balloon\.limit/,
    );
  });

  it('refuses a kernel as large as the VM', () => {
    expect(() => testGuest({ pages: 8, guest: { kernel: 8 } })).toThrow(/fewer kernel pages/);
  });

  it('resolves sizes as fractions, pages or size strings', () => {
    const { guest } = testGuest({ pages: 256, guest: { kernel: 0.25, swap: '512KiB', disk: 1000 } });
    expect(guest.settings.kernelPages).toBe(64);
    expect(guest.settings.swapPages).toBe(128);
    expect(guest.settings.diskBlocks).toBe(1000);
    expect(guest.settings.addressSpacePages).toBe(512);
  });
});
