import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

const conditions = ['@hvsim/source', 'module', 'node', 'import', 'default'];

// One project per package (and per example); `extends: true` makes each inherit the source condition and the
// setup file. A package's examples are tested beside its sources.
const projects = ['packages', 'apps', 'examples'].flatMap((group) =>
  readdirSync(group, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => ({
      extends: true as const,
      test: {
        name: group === 'examples' ? `example-${entry.name}` : entry.name,
        root: `${group}/${entry.name}`,
        include: ['src/**/*.test.ts', 'examples/**/*.test.ts'],
      },
    })),
);

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    // A worker per core: vitest's default (cores − 1) gives a 2-core CI machine one worker, and twice the time.
    maxWorkers: availableParallelism(),
    fileParallelism: true,
    setupFiles: [new URL('./vitest.setup.ts', import.meta.url).pathname],
    projects: [
      ...projects,
      { extends: true, test: { name: 'workspace', root: '.', include: ['scripts/**/*.test.ts'] } },
    ],
  },
});
