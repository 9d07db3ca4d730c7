import { createRandom } from '@hvsim/spec';
import { describe, expect, it } from 'vitest';
import { type DamonMonitor, damon } from './damon';
import { type LruStatistics, lruStatistics } from './lru-statistics';
import { type SamplingDetector, sampling } from './sampling';

const context = (scale?: number) => ({
  random: createRandom(1),
  emit: () => {},
  ...(scale === undefined ? {} : { scale }),
});

describe('detectors in a miniature', () => {
  it('lru-statistics divides its hot set and its groups, counts of pages, by the scale', () => {
    const options = { hotPages: 1024, groupPages: 64 };
    const at = (scale?: number) => (lruStatistics.create(options, context(scale)) as LruStatistics).options;
    expect(at(16)).toMatchObject({ hotPages: 64, groupPages: 4 });
    expect(at(4096)).toMatchObject({ hotPages: 1, groupPages: 1 });
    expect(at(1)).toEqual(at());
    expect(at()).toMatchObject(options);
    expect((lruStatistics.create({ hotPages: 0 }, context(16)) as LruStatistics).options.hotPages).toBe(0);
  });

  it('sampling keeps its samples per period, and damon its region counts', () => {
    const samples = (sampling.create({ samples: 100 }, context(64)) as SamplingDetector).options.samples;
    expect(samples).toBe(100);
    const regions = (damon.create({ minRegions: 10, maxRegions: 1000 }, context(64)) as DamonMonitor).options;
    expect(regions).toMatchObject({ minRegions: 10, maxRegions: 1000 });
  });
});
