import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  // The typecheck's composite project settings do not apply to a package's own declaration build.
  dts: { compilerOptions: { composite: false, declarationMap: false } },
  clean: true,
  sourcemap: true,
  target: 'node20',
});
