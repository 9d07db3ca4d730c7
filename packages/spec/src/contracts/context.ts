import type { EventSink } from '../events';
import type { RandomStream } from '../random';

/** What every factory receives: its own random stream, the event log and the scale of the run. */
export interface CreateContext {
  readonly random: RandomStream;
  readonly emit: EventSink;
  /**
   * The run is a miniature at this scale (see `miniature.ts`): one page stands for `scale` pages. A
   * definition divides its counts of pages and its rates in pages by it, and multiplies its costs per page
   * or per op. Absent: 1, full size.
   */
  readonly scale?: number;
}
