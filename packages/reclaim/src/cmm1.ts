import {
  type CmmDriver,
  cmmOf,
  defineReclamationMechanism,
  HvsimError,
  type MechanismAttachment,
  periodOption,
  type ReclamationMechanism,
  resolvePages,
  scaleOf,
  sizeOption,
  type VmId,
} from '@hvsim/spec';
import { z } from 'zod';

export const cmm1Options = z.object({
  pool: z
    .enum(['static', 'timed'])
    .default('static')
    .describe(
      'static: reclaiming raises the SHRINK target and releasing lowers it (VMRM); timed: reclaiming RELEASEs pages, which come back on their own at the REUSE rate',
    ),
  reuse: z
    .object({
      pages: sizeOption('pages the timed pool’s target drops by each period', { default: '1%' }),
      every: periodOption('the period', { default: '10s' }),
    })
    .prefault({})
    .describe('how the timed pool gives its pages back (REUSE), for pool: timed'),
});

export type Cmm1Options = z.output<typeof cmm1Options>;

/**
 * The host's side of CMM1 (z/VM's SMSG to the guest's `cmm` module): long-lived requests the guest meets at
 * its own pace, taking pages through its own allocator. With the static pool, taking n more pages raises
 * the VM's SHRINK target by n and giving n back lowers it, both within [0, the module's limit]; the targets
 * are the module's own, so after the guest lowered them (it could not give a page, or ran out of memory) the
 * next request starts from there. With the timed pool, taking n pages RELEASEs them; they come back at the
 * REUSE rate, so giving back does nothing. Available once the guest has booted with the module loaded.
 */
export class Cmm1Mechanism implements ReclamationMechanism {
  readonly contract = 'reclamation-mechanism@1';
  readonly name = 'cmm1';
  readonly options: Cmm1Options;
  /** The miniature's scale: REUSE pages given as a size in pages are R times fewer. */
  readonly #scale: number;
  #attachment: MechanismAttachment | undefined;

  constructor(options: Cmm1Options, scale = 1) {
    this.options = options;
    this.#scale = scale;
  }

  attach(attachment: MechanismAttachment): void {
    this.#attachment = attachment;
  }

  available(vm: VmId): boolean {
    return this.#module(vm)?.available ?? false;
  }

  reclaim(vm: VmId, pages: number): number {
    const cmm = this.#module(vm);
    if (!cmm?.available) return 0;
    if (this.options.pool === 'static') {
      const before = cmm.target;
      cmm.shrink(before + pages);
      return cmm.target - before;
    }
    const n = Math.max(0, Math.min(pages, cmm.limit - cmm.timedTarget));
    cmm.release(n);
    const reuse = {
      pages: resolvePages(this.options.reuse.pages, this.#attachment!.machine.pageCount(vm), this.#scale),
      every: this.options.reuse.every,
    };
    // REUSE restarts the module's timer: sent only when the module's rate differs.
    if (cmm.timeout.pages !== reuse.pages || cmm.timeout.every !== reuse.every)
      cmm.reuse(reuse.pages, reuse.every);
    return n;
  }

  release(vm: VmId, pages: number): number {
    const cmm = this.#module(vm);
    if (!cmm?.available || this.options.pool === 'timed') return 0;
    const before = cmm.target;
    cmm.shrink(before - pages);
    return before - cmm.target;
  }

  #module(vm: VmId): CmmDriver | undefined {
    if (!this.#attachment)
      throw new HvsimError('not-attached', 'the cmm1 mechanism is not attached to a host');
    return cmmOf(this.#attachment.guest(vm));
  }
}

export const cmm1 = defineReclamationMechanism({
  name: 'cmm1',
  description:
    'z/VM CMM1: SHRINK requests to the guest’s cmm module, met at the guest’s own pace (or a timed pool)',
  options: cmm1Options,
  create: (options, context) => new Cmm1Mechanism(options, scaleOf(context)),
});
