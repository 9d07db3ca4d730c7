/**
 * A stack of page numbers in a typed array: the guest's free lists and its swap slot allocator. A range
 * pushed with `pushRange` is not written out: it lies beneath the items pushed one by one and pops in
 * ascending order, so a guest of a terabyte does not write a word for each page it has yet to use.
 */
export class FreeStack {
  readonly #items: Uint32Array;
  #top = 0;
  /** The range pushed whole, [#next, #end): what pops once the items pushed one by one are gone. */
  #next = 0;
  #end = 0;

  constructor(capacity: number) {
    this.#items = new Uint32Array(capacity);
  }

  get size(): number {
    return this.#top + this.#end - this.#next;
  }

  push(item: number): void {
    this.#items[this.#top++] = item;
  }

  /** Pushes `end − 1` down to `from`, so they pop in ascending order; only onto an empty stack. */
  pushRange(from: number, end: number): void {
    if (this.size !== 0) throw new Error('FreeStack.pushRange: the stack is not empty');
    this.#next = from;
    this.#end = end;
  }

  /** The most recently pushed item, or -1 when empty. */
  pop(): number {
    if (this.#top > 0) return this.#items[--this.#top]!;
    return this.#next < this.#end ? this.#next++ : -1;
  }

  /** Items from the bottom of the stack up, for invariant checks. */
  *[Symbol.iterator](): Generator<number> {
    for (let item = this.#end - 1; item >= this.#next; item--) yield item;
    for (let i = 0; i < this.#top; i++) yield this.#items[i]!;
  }
}
