import { InvalidInputError, type SimTime } from '@hvsim/spec';

/**
 * What each kind of access costs the accessing VM, in simulated nanoseconds. The defaults are typical of the
 * hardware in the ESX paper's era and of the reference's modelling guidance; every one can be overridden.
 */
export interface CostModel {
  /** Any guest memory access that hits in the shadow translation (the fast path), including the work around it. */
  readonly access: SimTime;
  /** A hidden fault into the hypervisor that does no I/O: an observer trap, a soft fault, a balloon pop. */
  readonly minorTrap: SimTime;
  /** Trap, allocate a frame and zero it. */
  readonly zeroFill: SimTime;
  /** Trap, allocate a frame and copy a shared page into it. */
  readonly cowBreak: SimTime;
  /** Trap and read a page back from host swap (a disk read: the reference gives 5–10 ms). */
  readonly swapIn: SimTime;
  /** Latency of a page-out write; asynchronous, so charged to no VM, but the frame is held until then. */
  readonly swapOutLatency: SimTime;
  /** A read of the guest's virtual disk that the guest waits for (page cache miss, guest swap-in). */
  readonly diskRead: SimTime;
  /** A write to the guest's virtual disk that the guest waits for (write-back or guest swap-out in reclaim). */
  readonly diskWrite: SimTime;
  /** Each further 4 KiB block of a multi-block disk request (readahead): the disk's sequential transfer. */
  readonly diskTransfer: SimTime;
  /** Compress a page into the compression cache (or find it compresses too poorly), charged to its VM. */
  readonly compress: SimTime;
  /** Trap and decompress a page from the compression cache. */
  readonly decompress: SimTime;
  /** Trap and raise a discard fault to the guest (its disk re-read is charged separately). */
  readonly discardFault: SimTime;
  /** One CMM2 usage-state change (ESSA): "more than 100 cycles" of millicode. */
  readonly essa: SimTime;
}

export const DEFAULT_COSTS: CostModel = {
  access: 100,
  minorTrap: 2_000,
  zeroFill: 4_000,
  cowBreak: 5_000,
  swapIn: 8_000_000,
  swapOutLatency: 8_000_000,
  diskRead: 8_000_000,
  diskWrite: 8_000_000,
  diskTransfer: 160_000, // 25 MB/s, a disk of the paper's era
  // lz4 compresses about 780 MB/s on one core (lz4's README: lzbench, Core i7-9700K): 4 KiB in about 5 µs.
  compress: 5_000,
  decompress: 10_000,
  discardFault: 2_000,
  essa: 100,
};

/**
 * The least each cost may be, in ns: 0, but for an access, which must take time, or a VM whose accesses all
 * hit would never see its clock move and its quantum would never end.
 */
export const MIN_COSTS: Readonly<Record<keyof CostModel, number>> = Object.fromEntries(
  Object.keys(DEFAULT_COSTS).map((key) => [key, key === 'access' ? 1 : 0]),
) as Record<keyof CostModel, number>;

/** Defaults with the given overrides, each checked to be a finite time of at least its minimum. */
export function resolveCosts(overrides: Partial<CostModel> = {}): CostModel {
  const costs = { ...DEFAULT_COSTS, ...overrides };
  for (const [key, value] of Object.entries(costs)) {
    const least = MIN_COSTS[key as keyof CostModel] ?? 0;
    if (!(Number.isFinite(value) && value >= least)) {
      throw new InvalidInputError(`costs.${key}`, `expected a time of at least ${least} ns, got ${value}`);
    }
    if (!(key in DEFAULT_COSTS)) {
      throw new InvalidInputError(
        `costs.${key}`,
        `unknown cost; known: ${Object.keys(DEFAULT_COSTS).join(', ')}`,
      );
    }
  }
  return costs;
}

/**
 * Costs in a miniature at `scale`: one page or access stands for `scale` of them, so each cost charged per
 * page or access is charged `scale` times. A disk request's latency stays (the machine charges it per
 * request the miniature's request stands for), its transfer is charged per block stood for, and a page-out's
 * latency is a delay before the frame is free, not work.
 */
export function miniatureCosts(costs: CostModel, scale: number): CostModel {
  if (scale === 1) return costs;
  const perEvent = new Set<keyof CostModel>(['diskRead', 'diskWrite', 'diskTransfer', 'swapOutLatency']);
  return Object.fromEntries(
    Object.entries(costs).map(([key, ns]) => [key, perEvent.has(key as keyof CostModel) ? ns : ns * scale]),
  ) as unknown as CostModel;
}
