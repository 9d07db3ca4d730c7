import { packageBuild } from '../../tsup.base';

// The worker is an entry of its own: a thread or a queue worker loads it by file.
export default packageBuild(['src/index.ts', 'src/point-worker.ts'], ['src/index.ts']);
