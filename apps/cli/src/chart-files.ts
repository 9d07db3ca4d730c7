import { writeFile } from 'node:fs/promises';
import { renderPng, renderSvg } from '@hvsim/report';
import { describeIoError, HvsimError } from '@hvsim/spec';

/**
 * Draws a vega-lite chart to `<base>.svg` and `<base>.png` and returns the two paths; a file that cannot be
 * written is an HvsimError naming it and saying why.
 */
export async function writeChart(base: string, spec: object): Promise<string[]> {
  const svg = await renderSvg(spec);
  const files: [path: string, content: string | Uint8Array][] = [
    [`${base}.svg`, svg],
    [`${base}.png`, renderPng(svg)],
  ];
  for (const [path, content] of files) {
    try {
      await writeFile(path, content);
    } catch (error) {
      throw new HvsimError('output-write-failed', `cannot write the chart: ${describeIoError(error)}`, path);
    }
  }
  return files.map(([path]) => path);
}
