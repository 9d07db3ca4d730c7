import type { EventSink } from '../events';
import type { RandomStream } from '../random';

/** What every factory receives: its own random stream and the event log. */
export interface CreateContext {
  readonly random: RandomStream;
  readonly emit: EventSink;
}
