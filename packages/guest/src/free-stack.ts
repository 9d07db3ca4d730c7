/** A stack of page numbers in a typed array: the guest's free lists and its swap slot allocator. */
export class FreeStack {
  readonly #items: Uint32Array;
  #top = 0;

  constructor(capacity: number) {
    this.#items = new Uint32Array(capacity);
  }

  get size(): number {
    return this.#top;
  }

  push(item: number): void {
    this.#items[this.#top++] = item;
  }

  /** The most recently pushed item, or -1 when empty. */
  pop(): number {
    return this.#top === 0 ? -1 : this.#items[--this.#top]!;
  }

  /** Items in stack order, for invariant checks. */
  *[Symbol.iterator](): Generator<number> {
    for (let i = 0; i < this.#top; i++) yield this.#items[i]!;
  }
}
