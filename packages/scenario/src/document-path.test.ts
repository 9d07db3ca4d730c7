import { fc, test as property } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { DocumentPathError, parseDocumentPath, readPath, writePath } from './document-path';

const doc = () => ({
  host: { memory: '1GiB' },
  vms: [
    { name: 'web', count: 2, workload: { kind: 'zipf' } },
    { name: 'db', count: 1 },
  ],
});

describe('document paths', () => {
  test('parse keys, items by name, by index and every item', () => {
    expect(parseDocumentPath('host.memory')).toEqual([{ key: 'host' }, { key: 'memory' }]);
    expect(parseDocumentPath('vms[web].count')).toEqual([{ key: 'vms' }, { name: 'web' }, { key: 'count' }]);
    expect(parseDocumentPath('vms[0][*].x')).toEqual([
      { key: 'vms' },
      { index: 0 },
      { all: true },
      { key: 'x' },
    ]);
  });

  test.each([
    ['', 'got nothing'],
    ['host..memory', '"" is not one'],
    ['vms[].count', 'between [ and ]'],
    ['host.mem ory', '"mem ory" is not one'],
    ['__proto__.polluted', 'cannot be a key'],
  ])('refuse %j, saying what was expected', (path, message) => {
    expect(() => parseDocumentPath(path)).toThrow(DocumentPathError);
    expect(() => parseDocumentPath(path)).toThrow(message);
  });

  test('read a value, items by name or index, and every item', () => {
    expect(readPath(doc(), 'host.memory')).toEqual(['1GiB']);
    expect(readPath(doc(), 'vms[db].count')).toEqual([1]);
    expect(readPath(doc(), 'vms[1].name')).toEqual(['db']);
    expect(readPath(doc(), 'vms[*].count')).toEqual([2, 1]);
    expect(readPath(doc(), 'host.swap')).toEqual([undefined]);
    expect(readPath(doc(), 'policies.stack')).toEqual([undefined]);
  });

  test('name the item a list lacks, and the names it has', () => {
    expect(() => readPath(doc(), 'vms[mail].count')).toThrow('vms has no item named "mail" (names: web, db)');
    expect(() => readPath(doc(), 'vms[2].count')).toThrow(
      'vms has 2 items; expected an index below 2, got 2',
    );
    expect(() => readPath(doc(), 'host[0]')).toThrow('host is not a list');
    expect(() => readPath(doc(), 'host.memory.x')).toThrow('host.memory is not a map');
  });

  test('write a value in place, making the maps on the way, every item for [*]', () => {
    const d: Record<string, unknown> = doc();
    writePath(d, 'host.memory', '512MiB');
    writePath(d, 'policies.stack', 'esx');
    writePath(d, 'vms[web].workload.pages', 0.5);
    writePath(d, 'vms[*].count', 3);
    expect(d).toEqual({
      host: { memory: '512MiB' },
      policies: { stack: 'esx' },
      vms: [
        { name: 'web', count: 3, workload: { kind: 'zipf', pages: 0.5 } },
        { name: 'db', count: 3 },
      ],
    });
  });

  test('never make a list, nor write through a missing item', () => {
    expect(() => writePath({}, 'vms[web].count', 1)).toThrow('vms is missing, so has no items');
    expect(() => writePath(doc(), 'vms[mail].count', 1)).toThrow('no item named "mail"');
  });

  test('a written value is a copy: writing one object at two places shares nothing', () => {
    const d: Record<string, unknown> = doc();
    const value = { kind: 'uniform' };
    writePath(d, 'vms[*].workload', value);
    value.kind = 'changed';
    expect(readPath(d, 'vms[*].workload.kind')).toEqual(['uniform', 'uniform']);
  });

  const key = fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/);
  property.prop([fc.array(key, { minLength: 1, maxLength: 4 }), fc.jsonValue()])(
    'reads back what it wrote, at any path of keys',
    (keys, value) => {
      const d: Record<string, unknown> = {};
      const path = keys.join('.');
      writePath(d, path, value);
      expect(readPath(d, path)).toEqual([value]);
    },
  );
});
