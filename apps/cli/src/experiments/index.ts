/**
 * The home of the papers' experiments: each reproduces a published result and says, figure by figure,
 * whether the simulation lands within the tolerance. Later milestones register theirs in `experiments`.
 */
import { cmmOvercommit } from './cmm-overcommit';
import { compressionTier } from './compression-tier';
import { doublePaging } from './double-paging';
import { esxFig2 } from './esx-fig2';
import { esxFig4 } from './esx-fig4';
import { esxFig6 } from './esx-fig6';
import { esxFig7 } from './esx-fig7';
import type { Experiment } from './experiment';
import { mebBalance } from './meb-balance';
import { satoriSharing } from './satori-sharing';
import { sharingIsolation } from './sharing-isolation';
import { sharingSideChannel } from './sharing-side-channel';

export {
  above,
  below,
  type Experiment,
  type ExperimentFigure,
  type ExperimentResult,
  figure,
} from './experiment';

/** Every registered experiment. */
export const experiments: Experiment[] = [
  esxFig2,
  esxFig4,
  esxFig6,
  esxFig7,
  doublePaging,
  mebBalance,
  cmmOvercommit,
  compressionTier,
  sharingSideChannel,
  satoriSharing,
  sharingIsolation,
];
