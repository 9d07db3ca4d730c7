import { defineDetector, durationOption, HvsimError, time } from '@hvsim/spec';
import { z } from 'zod';
import { AccessBitScanner } from './access-bits';

export const oracleOptions = z.object({
  window: durationOption('the working set is the pages accessed within this much VM time', {
    default: '30s',
  }),
});

/** Scans per window: the oracle's working set slides in steps of a sixth of the window. */
const SCANS = 6;

/**
 * The true working set, for scoring the other detectors: the pages the VM accessed within the last `window`
 * of its execution time, tracked through access bits every sixth of the window. It watches every page, which
 * no real hypervisor could afford; its traps are charged like any other, so it perturbs a run by at most six
 * trapped accesses per page per window (about 0.04% of the VM's time for a 30 s window).
 */
export const oracle = defineDetector({
  name: 'oracle',
  description: 'The true working set (pages accessed within a window), for scoring the other detectors',
  options: oracleOptions,
  create: (options) => {
    if (!(options.window >= time.ms(6))) {
      throw new HvsimError(
        'invalid-options',
        `expected a window of at least 6ms, got ${options.window} ns`,
        'window',
      );
    }
    return new AccessBitScanner(options.window / SCANS, SCANS, 'oracle');
  },
});
