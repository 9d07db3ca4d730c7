import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The scripts and style a report page carries inline, so it opens offline: vega, vega-lite and vega-embed's
 * browser builds (beside each package's entry point, as their `exports` hide the build folder) and the page's
 * own script and style (`assets/`, a folder up from both `src/` and `dist/`).
 */
export interface ReportAssets {
  readonly libraries: readonly string[];
  readonly script: string;
  readonly style: string;
}

let assets: ReportAssets | undefined;

/** A browser build of an npm package: the file `build` beside the file its entry point resolves to. */
function browserBuild(pkg: string, build: string): string {
  const entry = createRequire(import.meta.url).resolve(pkg);
  return inlineScript(readFileSync(join(dirname(entry), build), 'utf8'));
}

/**
 * Script text safe inside `<script>`: `</script` would end the element (`<\/script` is the same text to
 * JavaScript, in a string, a regular expression or a comment), and a source map link would send a browser's
 * tools to the network.
 */
const inlineScript = (text: string): string =>
  text.replace(/<\/script/gi, '<\\/script').replace(/^\/\/# sourceMappingURL=.*$/m, '');

const ownAsset = (name: string): string =>
  readFileSync(new URL(`../assets/${name}`, import.meta.url), 'utf8');

/** Read once per process, when the first report is written. */
export function reportAssets(): ReportAssets {
  assets ??= {
    libraries: [
      browserBuild('vega', 'vega.min.js'),
      browserBuild('vega-lite', 'vega-lite.min.js'),
      browserBuild('vega-embed', 'vega-embed.min.js'),
    ],
    script: inlineScript(ownAsset('report.js')),
    style: ownAsset('report.css'),
  };
  return assets;
}
