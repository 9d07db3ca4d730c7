import { defineConfig } from 'tsup';

/**
 * Every package's build: ESM for Node 20 with declarations and source maps. A package names its entry
 * points (default `src/index.ts`) and, when some are not library entries (a command's `main.ts`), those
 * that get declarations.
 */
export const packageBuild = (entry = ['src/index.ts'], declared = entry) =>
  defineConfig({
    entry,
    format: ['esm'],
    // The typecheck's composite project settings do not apply to a package's own declaration build.
    dts: { entry: declared, compilerOptions: { composite: false, declarationMap: false } },
    clean: true,
    sourcemap: true,
    target: 'node20',
  });
