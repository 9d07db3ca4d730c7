/**
 * The papers' experiments: each reproduces a published result and says, figure by figure, whether the
 * simulation lands within the tolerance. Later milestones register theirs in `experiments`.
 */
import { HvsimError } from '@hvsim/spec';
import { cmmOvercommit } from './cmm-overcommit';
import { compressionTier } from './compression-tier';
import { doublePaging } from './double-paging';
import { esxFig2 } from './esx-fig2';
import { esxFig4 } from './esx-fig4';
import { esxFig6 } from './esx-fig6';
import { esxFig7 } from './esx-fig7';
import { esxFig8 } from './esx-fig8';
import type { Experiment } from './experiment';
import { mebBalance } from './meb-balance';
import { satoriSharing } from './satori-sharing';
import { sharingIsolation } from './sharing-isolation';
import { sharingSideChannel } from './sharing-side-channel';

/** Every registered experiment. */
export const experiments: Experiment[] = [
  esxFig2,
  esxFig4,
  esxFig6,
  esxFig7,
  esxFig8,
  doublePaging,
  mebBalance,
  cmmOvercommit,
  compressionTier,
  sharingSideChannel,
  satoriSharing,
  sharingIsolation,
];

/**
 * The registered experiment called `name`; an unknown name is an error listing the known ones, on `field`
 * (the caller's name for where the name came from).
 */
export function findExperiment(name: string, field = 'name'): Experiment {
  const experiment = experiments.find((e) => e.name === name);
  if (!experiment) {
    throw new HvsimError(
      'unknown-experiment',
      `no experiment named ${JSON.stringify(name)}; known: ${experiments.map((e) => e.name).join(', ') || '(none)'}`,
      field,
    );
  }
  return experiment;
}

/** Every registered experiment's name and title, in the registry's order. */
export const experimentList = (): { name: string; title: string }[] =>
  experiments.map(({ name, title }) => ({ name, title }));
