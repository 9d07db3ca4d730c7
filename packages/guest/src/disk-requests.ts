import type { DiskLocality, GuestCounters, MemoryBus, VmId } from '@hvsim/spec';
import type { GuestSettings } from './guest-settings';

/**
 * The guest's disk requests as the block layer counts them: how many blocks one request moves at most (the
 * readahead window), and how many full-size requests a request stands for in a miniature, which the VM is
 * charged for and its counters count.
 */
export class DiskRequests {
  readonly #settings: GuestSettings;
  readonly #counters: GuestCounters;
  readonly #bus: MemoryBus;
  readonly #vm: VmId;
  /** The miniature's scale: each disk block moved stands for this many. */
  readonly #scale: number;
  /** Whether the workload's disk blocks each stand for R read apart (a miniature's; see DiskLocality). */
  readonly #locality: (() => DiskLocality) | undefined;

  constructor(
    settings: GuestSettings,
    counters: GuestCounters,
    bus: MemoryBus,
    vm: VmId,
    scale: number,
    locality: (() => DiskLocality) | undefined,
  ) {
    this.#settings = settings;
    this.#counters = counters;
    this.#bus = bus;
    this.#vm = vm;
    this.#scale = scale;
    this.#locality = locality;
  }

  /** Blocks one request reads ahead or writes back, at most. */
  window(): number {
    return this.#apart() ? this.#settings.fullReadaheadBlocks : this.#settings.readaheadBlocks;
  }

  read(blocks: number, window: number): void {
    const requests = this.#requests(blocks, window);
    this.#counters.diskReads += requests;
    this.#bus.diskRead(this.#vm, blocks, requests);
  }

  write(blocks: number, window: number): void {
    const requests = this.#requests(blocks, window);
    this.#counters.diskWrites += requests;
    this.#bus.diskWrite(this.#vm, blocks, requests);
  }

  /**
   * Whether this miniature's disk blocks each stand for R blocks read apart: then each request stands for R
   * full-size ones, with the full-size readahead window (it takes in R times the blocks, as the R requests
   * would). Blocks read together instead read ahead over the window divided by R, one request standing for
   * the full-size ones its blocks fill.
   */
  #apart(): boolean {
    return this.#scale > 1 && this.#locality?.() === 'apart';
  }

  /**
   * Full-size requests a request of `blocks` stands for, where one full-size request moves up to `window`
   * blocks: 1 at full size; in a miniature the blocks stand for R times as many (R one-page swap requests),
   * and blocks read apart R requests.
   */
  #requests(blocks: number, window: number): number {
    return this.#apart() ? this.#scale : Math.max(1, (blocks * this.#scale) / window);
  }
}
