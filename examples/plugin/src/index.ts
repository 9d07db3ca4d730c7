/**
 * A plugin as a scenario loads it (`plugins: [./src/index.ts]`): a module exporting definitions, here a
 * workload and an allocation policy written against `@hvsim/spec` alone.
 */
export { bursty } from './bursty';
export { proportionalShare } from './proportional-share';
