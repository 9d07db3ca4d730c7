import {
  type DemandDetector,
  type DemandEstimate,
  type DetectorAttachment,
  defineDetector,
  periodOption,
  type SimTime,
} from '@hvsim/spec';
import { z } from 'zod';
import { IdleTracker } from './idle-tracker';

export const accessBitsOptions = z.object({
  interval: periodOption("time between scans of the access bits, in the VM's execution time", {
    default: '10s',
  }),
  window: z
    .number()
    .int()
    .min(1)
    .max(65534)
    .default(3)
    .describe('scans a page stays in the working set after its last access (default 3: 30 s at 10 s scans)'),
});

/**
 * An access-bit scanner, as Linux's idle page tracking (`/sys/kernel/mm/page_idle`) is used to measure a
 * working set: every interval it reads and clears every page's accessed bit, and counts the pages accessed
 * within the last `window` scans. Exact at the scan's granularity, but each scan visits every page of the
 * VM: its overhead grows with memory, not with activity.
 */
export class AccessBitScanner implements DemandDetector {
  readonly contract = 'detector@1';
  readonly name: string;
  readonly tracker: IdleTracker;

  constructor(interval: SimTime, window: number, name = 'access-bits', free = false) {
    this.name = name;
    this.tracker = new IdleTracker(interval, window, free);
  }

  attach(attachment: DetectorAttachment): void {
    this.tracker.attach(attachment, this.name);
  }

  tick(vmTime: SimTime): void {
    this.tracker.tick(vmTime);
  }

  estimate(): DemandEstimate {
    return { activePages: this.tracker.workingSet };
  }

  /** Every page at every scan. */
  get checks(): number {
    return this.tracker.pagesScanned;
  }

  detach(): void {
    this.tracker.detach();
  }
}

export const accessBits = defineDetector({
  name: 'access-bits',
  description:
    'Idle page tracking: scan and clear every page’s access bit each interval, count the recently used',
  options: accessBitsOptions,
  create: (options) => new AccessBitScanner(options.interval, options.window),
});
