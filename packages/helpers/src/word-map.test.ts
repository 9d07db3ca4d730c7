import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_WORD_MAP_VALUE, WordMap } from './word-map';

/** The model: a Map keyed by the key's words as read (int32). */
type Model = Map<string, number>;
const keyOf = (a: number, b: number, c: number) => `${a | 0}:${b | 0}:${c | 0}`;

/** Keys over few words, so that operations meet the same keys and home slots often. */
const word = fc.oneof(fc.nat(3), fc.constantFrom(-1, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1));
const key = fc.tuple(word, word, fc.nat(2));
const value = fc.nat(MAX_WORD_MAP_VALUE);

type Key = [number, number, number];

/** A command that runs `step` on the map and the model alike, then compares their sizes. */
const command = (name: string, step: (model: Model, map: WordMap) => void): fc.Command<Model, WordMap> => ({
  check: () => true,
  run: (model, map) => {
    step(model, map);
    expect(map.size).toBe(model.size);
  },
  toString: () => name,
});

const commands = [
  key.map((k: Key) =>
    command(`get(${k})`, (model, map) => expect(map.get(...k)).toBe(model.get(keyOf(...k)) ?? -1)),
  ),
  fc.tuple(key, value).map(([k, v]: [Key, number]) =>
    command(`set(${k}, ${v})`, (model, map) => {
      map.set(...k, v);
      model.set(keyOf(...k), v);
    }),
  ),
  fc.tuple(key, value).map(([k, v]: [Key, number]) =>
    command(`add(${k}, ${v})`, (model, map) => {
      const held = model.get(keyOf(...k));
      expect(map.add(...k, v)).toBe(held ?? -1);
      if (held === undefined) model.set(keyOf(...k), v);
    }),
  ),
  key.map((k: Key) =>
    command(`delete(${k})`, (model, map) => {
      expect(map.delete(...k)).toBe(model.get(keyOf(...k)) ?? -1);
      model.delete(keyOf(...k));
    }),
  ),
  fc.constant(
    command('clear()', (model, map) => {
      map.clear();
      model.clear();
    }),
  ),
];

describe('WordMap', () => {
  it('finds a value by all three words, and nothing by fewer', () => {
    const map = new WordMap();
    map.set(7, 0, 0, 100);
    map.set(7, 0, 1, 101);
    map.set(7, 1, 0, 102);
    expect([map.get(7, 0, 0), map.get(7, 0, 1), map.get(7, 1, 0), map.get(7, 1, 1)]).toEqual([
      100, 101, 102, -1,
    ]);
    expect(map.size).toBe(3);
  });

  it('reads a word as int32: a uint32 and its negative alias are one key', () => {
    const map = new WordMap();
    map.set(2 ** 32 - 1, 2 ** 31, 0, 5);
    expect(map.get(-1, -(2 ** 31), 0)).toBe(5);
  });

  it('adds only what is absent, and says what was there', () => {
    const map = new WordMap();
    expect(map.add(1, 2, 3, 0)).toBe(-1);
    expect(map.add(1, 2, 3, 9)).toBe(0);
    expect(map.get(1, 2, 3)).toBe(0);
    expect(map.size).toBe(1);
  });

  it('holds the values 0 and MAX_WORD_MAP_VALUE', () => {
    const map = new WordMap();
    map.set(1, 0, 0, 0);
    map.set(2, 0, 0, MAX_WORD_MAP_VALUE);
    expect([map.get(1, 0, 0), map.get(2, 0, 0)]).toEqual([0, MAX_WORD_MAP_VALUE]);
  });

  it('keeps every entry through growth, and deletes them all', () => {
    const map = new WordMap(2);
    for (let i = 0; i < 5000; i++) map.set(i * 4099, i >>> 3, i % 3, i);
    expect(map.size).toBe(5000);
    expect(map.bytes).toBe(16 * 16384);
    for (let i = 0; i < 5000; i++) expect(map.get(i * 4099, i >>> 3, i % 3)).toBe(i);
    for (let i = 0; i < 5000; i++) expect(map.delete(i * 4099, i >>> 3, i % 3)).toBe(i);
    expect(map.size).toBe(0);
    expect(map.get(0, 0, 0)).toBe(-1);
  });

  it('refuses a capacity that is not a power of two', () => {
    expect(() => new WordMap(6)).toThrow(RangeError);
    expect(() => new WordMap(1)).toThrow(RangeError);
  });

  // A table of two slots to start: long probe runs that wrap, removals that shift entries back across the
  // wrap, growth, and clears.
  it('agrees with a Map through any gets, sets, adds, deletes and clears', () => {
    fc.assert(
      fc.property(fc.commands(commands, { maxCommands: 300, size: 'max' }), (cmds) => {
        fc.modelRun(() => ({ model: new Map(), real: new WordMap(2) }), cmds);
      }),
    );
  });
});
