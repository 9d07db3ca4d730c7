import {
  defineReclamationMechanism,
  fractionalRate,
  HvsimError,
  type MechanismAttachment,
  type ReclamationMechanism,
  scaleOf,
  type VmId,
} from '@hvsim/spec';
import { z } from 'zod';

export const balloonOptions = z.object({
  limit: z
    .number()
    .gt(0)
    .max(1)
    .optional()
    .describe('most of a VM’s memory its balloon may hold (default: the driver’s own limit, ESX 2.x 0.5)'),
  rate: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe(
      'most pages a balloon’s target moves per rebalance (default: no cap; the driver keeps its own pace)',
    ),
});

export type BalloonOptions = z.output<typeof balloonOptions>;

/**
 * The host's side of ballooning (ESX 2002, §3.2): it sets each guest's balloon target, capped at a share of
 * the VM's memory and moved at most `rate` pages per rebalance; the driver moves toward it at its own pace as
 * the guest runs, taking pages through the guest's own allocator, so the guest chooses what to give up. It
 * is unavailable while the guest boots or when its driver is missing or disabled; a policy then pages instead.
 */
export class BalloonMechanism implements ReclamationMechanism {
  readonly contract = 'reclamation-mechanism@1';
  readonly name = 'balloon';
  readonly options: BalloonOptions;
  readonly #scale: number;
  /** Per VM, the pages its next move may take: `rate` per rebalance, fractional in a miniature. */
  readonly #caps = new Map<VmId, () => number>();
  #attachment: MechanismAttachment | undefined;

  constructor(options: BalloonOptions, scale = 1) {
    this.options = options;
    this.#scale = scale;
  }

  attach(attachment: MechanismAttachment): void {
    this.#attachment = attachment;
  }

  available(vm: VmId): boolean {
    return this.#driver(vm)?.available ?? false;
  }

  reclaim(vm: VmId, pages: number): number {
    const driver = this.#driver(vm);
    if (!driver?.available) return 0;
    const machine = this.#attachment!.machine;
    const cap = Math.min(driver.limit, Math.floor((this.options.limit ?? 1) * machine.pageCount(vm)));
    const n = Math.max(0, Math.min(pages, cap - driver.size, this.#rate(vm)));
    driver.setTarget(driver.size + n);
    return n;
  }

  release(vm: VmId, pages: number): number {
    const driver = this.#driver(vm);
    if (!driver?.available) return 0;
    const n = Math.min(pages, driver.size, this.#rate(vm));
    driver.setTarget(driver.size - n);
    return n;
  }

  /**
   * The most pages this move may take. A rate in pages: R times fewer in a miniature, and as that may be a
   * fraction of a page, the remainder is carried from move to move so the long-run cap is exact.
   */
  #rate(vm: VmId): number {
    const rate = this.options.rate;
    if (rate === undefined) return Number.POSITIVE_INFINITY;
    let cap = this.#caps.get(vm);
    if (!cap) {
      cap = fractionalRate(rate / this.#scale);
      this.#caps.set(vm, cap);
    }
    return cap();
  }

  #driver(vm: VmId) {
    if (!this.#attachment)
      throw new HvsimError('not-attached', 'the balloon mechanism is not attached to a host');
    return this.#attachment.guest(vm)?.balloon;
  }
}

export const balloon = defineReclamationMechanism({
  name: 'balloon',
  description: 'ESX ballooning: the guest’s balloon driver takes pages through the guest’s allocator',
  options: balloonOptions,
  create: (options, context) => new BalloonMechanism(options, scaleOf(context)),
});
