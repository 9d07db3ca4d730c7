import { renderPng, renderSvg } from './chart';
import { writeOutput } from './write-file';

/** A chart file to draw: where, and as which of the two formats. */
export interface ChartFile {
  readonly path: string;
  readonly type: 'svg' | 'png';
}

/** Draws a vega-lite chart into each file and returns their paths. */
export async function writeChartFiles(spec: object, files: readonly ChartFile[]): Promise<string[]> {
  const svg = await renderSvg(spec);
  for (const { path, type } of files)
    await writeOutput(path, type === 'png' ? renderPng(svg) : svg, 'the chart');
  return files.map((file) => file.path);
}

/** Draws a chart to `<base>.svg` and `<base>.png`. */
export const writeChart = (base: string, spec: object): Promise<string[]> =>
  writeChartFiles(spec, [
    { path: `${base}.svg`, type: 'svg' },
    { path: `${base}.png`, type: 'png' },
  ]);
