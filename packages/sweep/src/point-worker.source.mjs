// The local executor's worker run from its TypeScript source (tests, the workspace's `pnpm hvsim`): a worker
// thread does not take the tsx loader of the process that starts it (Node 20), so it registers its own.
import { register } from 'tsx/esm/api';

register();
export default (await import('./point-worker.ts')).default;
