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
  #next: number;
  readonly #end: number;

  constructor(vm: VmId) {
    checkContentVm(vm);
    this.#next = uniqueBase(vm);
    this.#end = this.#next + UNIQUE_IDS_PER_VM;
  }

  contentFor(_vpn: number): ContentId {
    // 2^39 writes is hours of simulated time at any realistic rate; running out is loud rather than a reuse.
    if (this.#next === this.#end) {
      throw new HvsimError(
        'content-exhausted',
        `used all ${UNIQUE_IDS_PER_VM} unique content ids of this VM`,
      );
    }
    return this.#next++;
  }
}
