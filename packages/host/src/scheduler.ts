import type { SimTime } from '@hvsim/spec';

/** A periodic task of the kernel: sampling periods, balloon polls, rebalancing, share scans, metrics. */
export interface PeriodicTask {
  readonly name: string;
  readonly period: SimTime;
  readonly run: (now: SimTime) => void;
}

/**
 * Due times of periodic tasks on the simulated clock, as a binary min-heap ordered by (time, registration
 * order), so tasks due together always run in the same order and runs stay deterministic.
 */
export class Scheduler {
  readonly #tasks: PeriodicTask[] = [];
  #heap: { time: SimTime; index: number }[] = [];

  every(task: PeriodicTask, start: SimTime): void {
    if (!(task.period > 0))
      throw new RangeError(`task ${task.name}: period must be positive, got ${task.period}`);
    this.#push({ time: start + task.period, index: this.#tasks.length });
    this.#tasks.push(task);
  }

  /** When the next task is due (Infinity with none). */
  get next(): SimTime {
    return this.#heap[0]?.time ?? Number.POSITIVE_INFINITY;
  }

  /**
   * Runs every task due by `now`, each as often as it fell due, in time order; `after` is told of each run
   * (the kernel's invariant checks name the tasks that ran).
   */
  runDue(now: SimTime, after?: (task: PeriodicTask) => void): void {
    while (this.#heap.length > 0 && this.#heap[0]!.time <= now) {
      const entry = this.#pop();
      const task = this.#tasks[entry.index]!;
      task.run(entry.time);
      after?.(task);
      this.#push({ time: entry.time + task.period, index: entry.index });
    }
  }

  #less(a: { time: SimTime; index: number }, b: { time: SimTime; index: number }): boolean {
    return a.time < b.time || (a.time === b.time && a.index < b.index);
  }

  #push(entry: { time: SimTime; index: number }): void {
    const heap = this.#heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  #pop(): { time: SimTime; index: number } {
    const heap = this.#heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && this.#less(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && this.#less(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  }
}
