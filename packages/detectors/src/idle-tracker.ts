import type { DetectorAttachment, Ppn, SimTime, TrapChannel } from '@hvsim/spec';
import { HvsimError } from '@hvsim/spec';

/**
 * Access bits emulated with one-shot traps, as Linux's idle page tracking uses them: a scan clears every
 * page's bit (arms its trap); an access sets it (the trap fires); the next scan reads the bits and ages the
 * pages not accessed since. A page is in the working set while its age is below `window` scans. Each scan
 * visits every page; only the pages accessed since the last scan need re-arming.
 */
export class IdleTracker {
  readonly #interval: SimTime;
  readonly #window: number;
  #attachment: DetectorAttachment | undefined;
  #channel: TrapChannel = -1;
  /** Per page: accessed since the last scan, and scans since its last access (capped at `window`). */
  #accessed: Uint8Array = new Uint8Array(0);
  #age: Uint16Array = new Uint16Array(0);
  #nextScan: SimTime = 0;
  #working = 0;
  #scans = 0;

  /** `free`: an instrument whose traps cost the VM nothing (the oracle). */
  constructor(
    interval: SimTime,
    window: number,
    readonly free = false,
  ) {
    if (!(interval > 0))
      throw new HvsimError('invalid-options', `expected an interval above 0, got ${interval}`, 'interval');
    if (!(Number.isInteger(window) && window >= 1 && window < 65535)) {
      throw new HvsimError(
        'invalid-options',
        `expected a window of 1 to 65534 scans, got ${window}`,
        'window',
      );
    }
    this.#interval = interval;
    this.#window = window;
  }

  /** Pages accessed within the last `window` scans, as of the last scan. */
  get workingSet(): number {
    return this.#working;
  }

  /** Scans done, and pages visited by them (the overhead). */
  get scans(): number {
    return this.#scans;
  }

  get pagesScanned(): number {
    return this.#scans * this.#age.length;
  }

  attach(attachment: DetectorAttachment, name: string): void {
    if (this.#attachment)
      throw new HvsimError('already-attached', `the ${name} detector is already attached`);
    const { vm, machine, traps } = attachment;
    this.#attachment = attachment;
    const pages = machine.pageCount(vm);
    this.#accessed = new Uint8Array(pages);
    // Never accessed yet: as old as the window, so outside the working set.
    this.#age = new Uint16Array(pages).fill(this.#window);
    const accessed = this.#accessed;
    this.#channel = traps.register(
      name,
      (_vm, ppn) => {
        accessed[ppn] = 1;
      },
      'access',
      { free: this.free },
    );
    for (let ppn: Ppn = 0; ppn < pages; ppn++) traps.arm(this.#channel, vm, ppn);
    this.#nextScan = machine.vmTime(vm) + this.#interval;
  }

  tick(vmTime: SimTime): void {
    while (this.#attachment && vmTime >= this.#nextScan) {
      this.#scan();
      this.#nextScan += this.#interval;
    }
  }

  detach(): void {
    if (!this.#attachment) return;
    this.#attachment.traps.unregister(this.#channel);
    this.#attachment = undefined;
  }

  #scan(): void {
    const { vm, traps } = this.#attachment!;
    const accessed = this.#accessed;
    const age = this.#age;
    const window = this.#window;
    let working = 0;
    for (let ppn = 0; ppn < age.length; ppn++) {
      if (accessed[ppn]) {
        accessed[ppn] = 0;
        age[ppn] = 0;
        traps.arm(this.#channel, vm, ppn);
      } else if (age[ppn]! < window) {
        age[ppn]!++;
      }
      if (age[ppn]! < window) working++;
    }
    this.#working = working;
    this.#scans++;
  }
}
