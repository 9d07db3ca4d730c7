import fc from 'fast-check';

// fast-check from the environment: FC_SEED and FC_PATH replay a failure, FC_NUM_RUNS scales every property.
// Model-based tests read FC_REPLAY_PATH themselves (see each package's `fc.commands` call).
const env = process.env;
const numRuns = env['FC_NUM_RUNS'] === undefined ? undefined : Number(env['FC_NUM_RUNS']);
const seed = env['FC_SEED'] === undefined ? undefined : Number(env['FC_SEED']);

fc.configureGlobal({
  ...fc.readConfigureGlobal(),
  ...(numRuns === undefined ? {} : { numRuns }),
  ...(seed === undefined ? {} : { seed }),
  ...(env['FC_PATH'] === undefined ? {} : { path: env['FC_PATH'] }),
});
