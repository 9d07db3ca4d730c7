import { checkDetectorConformance } from '@hvsim/spec/testing';
import { describe, it } from 'vitest';
import { accessBits } from './access-bits';
import { damon } from './damon';
import { lruStatistics } from './lru-statistics';
import { oracle } from './oracle';
import { sampling } from './sampling';

const emit = () => {};

/** Every detector this package exports keeps the contract's properties (the suite any detector can run). */
describe('detector conformance', () => {
  it('sampling', () => {
    checkDetectorConformance((random) => sampling.create({ samples: 20, period: '1s' }, { random, emit }));
  });
  it('lru-statistics', () => {
    checkDetectorConformance(() =>
      lruStatistics.create(
        { hotPages: 16, groupPages: 2, period: '2s' },
        { random: undefined as never, emit },
      ),
    );
  });
  it('access-bits', () => {
    checkDetectorConformance((random) => accessBits.create({ interval: '1s', window: 2 }, { random, emit }));
  });
  it('damon', () => {
    checkDetectorConformance((random) =>
      damon.create(
        { samplingInterval: '100ms', aggregationInterval: '1s', minRegions: 4, maxRegions: 32 },
        { random, emit },
      ),
    );
  });
  it('oracle', () => {
    checkDetectorConformance((random) => oracle.create({ window: '3s' }, { random, emit }));
  });
});
