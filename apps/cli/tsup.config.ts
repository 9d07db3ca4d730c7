import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/main.ts'],
  format: ['esm'],
  // The typecheck's composite project settings do not apply to a package's own declaration build.
  dts: { entry: 'src/index.ts', compilerOptions: { composite: false, declarationMap: false } },
  clean: true,
  sourcemap: true,
  target: 'node20',
});
