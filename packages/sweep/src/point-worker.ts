import { type RunJob, type RunResult, runJob } from './run-point';

/** The worker-thread entry of the local executor: one job in, its result out, timed by this thread's clock. */
export default (job: RunJob): Promise<RunResult> => runJob(job, () => performance.now());
