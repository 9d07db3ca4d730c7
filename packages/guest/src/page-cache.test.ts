import { checkInvariants } from '@hvsim/machine';
import {
  type BlockRead,
  GuestPageUsage,
  imageBlockContent,
  OpKind,
  PageState,
  time,
  type VirtualDisk,
} from '@hvsim/spec';
import { describe, expect, it, vi } from 'vitest';
import { type Op, runOps as run, testGuest } from './guest.fixture';
import { checkGuestInvariants } from './invariants';

const W = (vpn: number, c: number): Op => [OpKind.Write, vpn, c];

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
