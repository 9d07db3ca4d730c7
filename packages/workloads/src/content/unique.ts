import { type ContentId, HvsimError, type VmId } from '@hvsim/spec';
import type { ContentModel } from './content-model';
import { checkContentVm, UNIQUE_IDS_PER_VM, uniqueBase } from './layout';

/**
 * Every write stores a content no other write, in this VM or any other, ever stores: the VM's n-th unique
 * write gets `uniqueBase(vm) + n` (see layout.ts). A VM should have one unique writer, or its writers' ids
 * would meet.
 */
export class UniqueContent implements ContentModel {
  readonly model = 'unique';
  /** [next id, end of the VM's range]: in a typed array, where V8 updates a double without boxing it. */
  readonly #range = new Float64Array(2);

  constructor(vm: VmId) {
    checkContentVm(vm);
    this.#range[0] = uniqueBase(vm);
    this.#range[1] = uniqueBase(vm) + UNIQUE_IDS_PER_VM;
  }

  contentFor(_vpn: number): ContentId {
    // 2^39 writes is hours of simulated time at any realistic rate; running out is loud rather than a reuse.
    const range = this.#range;
    const next = range[0]!;
    if (next === range[1]) {
      throw new HvsimError(
        'content-exhausted',
        `used all ${UNIQUE_IDS_PER_VM} unique content ids of this VM`,
      );
    }
    range[0] = next + 1;
    return next;
  }
}
