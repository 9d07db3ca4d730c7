import { writeFile } from 'node:fs/promises';
import { renderPng, renderSvg } from '@hvsim/report';
import { describeIoError, HvsimError } from '@hvsim/spec';

/** A chart file to draw: where, and as which of the two formats the CLI writes. */
export interface ChartFile {
  readonly path: string;
  readonly type: 'svg' | 'png';
}

/**
 * Draws a vega-lite chart into each file and returns their paths; a file that cannot be written is an
 * HvsimError naming it and saying why.
 */
export async function writeChartFiles(spec: object, files: readonly ChartFile[]): Promise<string[]> {
  const svg = await renderSvg(spec);
  for (const { path, type } of files) {
    try {
      await writeFile(path, type === 'png' ? renderPng(svg) : svg);
    } catch (error) {
      throw new HvsimError('output-write-failed', `cannot write the chart: ${describeIoError(error)}`, path);
    }
  }
  return files.map((file) => file.path);
}

/** Draws a chart to `<base>.svg` and `<base>.png`. */
export const writeChart = (base: string, spec: object): Promise<string[]> =>
  writeChartFiles(spec, [
    { path: `${base}.svg`, type: 'svg' },
    { path: `${base}.png`, type: 'png' },
  ]);
