import { defineDetector, durationOption, HvsimError, time } from '@hvsim/spec';
import { z } from 'zod';
import { AccessBitScanner } from './access-bits';

export const oracleOptions = z.object({
  window: durationOption('the working set is the pages accessed within this much VM time', {
    default: '30s',
  }),
});

/** Scans per window: the oracle's working set slides in steps of a thirtieth of the window (1 s of 30 s). */
const SCANS = 30;

/**
 * The true working set, for scoring the other detectors: the pages the VM accessed within the last `window`
 * of its execution time, tracked through access bits every thirtieth of the window. It watches every page,
 * which no real hypervisor could afford, and its traps are free (an instrument outside the simulated
 * system), so watching changes nothing in the run.
 */
export const oracle = defineDetector({
  name: 'oracle',
  description: 'The true working set (pages accessed within a window), for scoring the other detectors',
  options: oracleOptions,
  create: (options) => {
    if (!(options.window >= time.ms(30))) {
      throw new HvsimError(
        'invalid-options',
        `expected a window of at least 30ms, got ${options.window} ns`,
        'window',
      );
    }
    return new AccessBitScanner(options.window / SCANS, SCANS, 'oracle', true);
  },
});
