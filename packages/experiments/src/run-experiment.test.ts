import { HvsimError } from '@hvsim/spec';
import { describe, expect, it } from 'vitest';
import { experimentList, experiments, findExperiment } from './registry';
import { runExperiment } from './run-experiment';

/** sharing-side-channel on its own seed: run once, for every test that looks at it. */
let ownSeed: ReturnType<typeof runExperiment> | undefined;
const onOwnSeed = () => (ownSeed ??= runExperiment('sharing-side-channel'));

describe('runExperiment', () => {
  it('returns plain data: the figures, the verdict, the series and their chart, which JSON holds as they are', async () => {
    const result = await onOwnSeed();
    expect(result).toMatchObject({ name: 'sharing-side-channel', title: findExperiment(result.name).title });
    expect(result.pass).toBe(true);
    expect(result.figures).toHaveLength(3);
    expect(result.series.map((s) => s.label)).toEqual([
      'attack accuracy (simulated)',
      'chance (expected with salting)',
    ]);
    expect(JSON.stringify(result.chart)).toContain('chance (expected with salting)');
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  }, 60_000);

  it('runs on the seed it is given, its own by default', async () => {
    const accuracies = async (seed: number) =>
      (await runExperiment('sharing-side-channel', { seed })).measurements;
    const own = (await onOwnSeed()).measurements;
    expect(await accuracies(1)).toEqual(own);
    expect(await accuracies(5001)).not.toEqual(own);
  }, 60_000);

  it('refuses an unknown name, listing the known ones on the field given', async () => {
    await expect(runExperiment('nope')).rejects.toThrow(
      /^name: no experiment named "nope"; known: esx-fig2, /,
    );
    expect(() => findExperiment('nope', 'reproduce')).toThrow(HvsimError);
    expect(() => findExperiment('nope', 'reproduce')).toThrow(/^reproduce: /);
  });
});

describe('the registry', () => {
  it('lists every experiment with its title, in order', () => {
    expect(experimentList()).toEqual(experiments.map(({ name, title }) => ({ name, title })));
    expect(experimentList().map((e) => e.name)).toEqual([
      'esx-fig2',
      'esx-fig4',
      'esx-fig6',
      'esx-fig7',
      'esx-fig8',
      'double-paging',
      'meb-balance',
      'cmm-overcommit',
      'compression-tier',
      'sharing-side-channel',
      'satori-sharing',
      'sharing-isolation',
    ]);
  });
});
