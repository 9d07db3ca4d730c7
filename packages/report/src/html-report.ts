import { InvalidInputError } from '@hvsim/spec';
import { type PackedRows, packSpecData } from './packed-data';
import { reportAssets } from './report-assets';
import type { Cell } from './table';

/**
 * One page of results: what was run, then sections of charts, tables and text. It is plain data, made by
 * whatever ran something (a run, a reproduction, a sweep) and drawn by {@link renderHtmlReport}.
 */
export interface HtmlReport {
  /** What was run: the page's title and heading. */
  readonly title: string;
  /** What kind of result this is, shown above the title: `run`, `reproduction`, `sweep`… */
  readonly kind: string;
  /** Facts under the heading, in order: the seed, the scale of a miniature, hvsim's version… */
  readonly facts: readonly ReportFact[];
  /**
   * VMs a reader can hide and show again. Hiding one removes its lines from every interactive chart (those
   * with a `hidden` parameter, see `timeSeriesChart`) and hides the blocks that belong to it.
   */
  readonly vms?: readonly string[];
  readonly sections: readonly ReportSection[];
  /** Where a live page listens for server-sent updates (see `hvsim run --live`); absent: a finished report. */
  readonly live?: { readonly events: string };
}

export interface ReportFact {
  readonly label: string;
  readonly value: string;
}

export interface ReportSection {
  readonly title: string;
  readonly blocks: readonly ReportBlock[];
}

export type ReportBlock = ChartBlock | TableBlock | TextBlock | CodeBlock;

interface Block {
  /** The VM the block is about: it hides with the VM. */
  readonly vm?: string;
}

/** A vega-lite spec, drawn interactively; its inline data travels packed (`packed-data.ts`). */
export interface ChartBlock extends Block {
  readonly kind: 'chart';
  /** Unique on the page: the chart's id, and the prefix of its datasets' names. */
  readonly name: string;
  readonly spec: object;
  /** A line under the chart. */
  readonly caption?: string;
}

export interface TableBlock extends Block {
  readonly kind: 'table';
  readonly rows: readonly Readonly<Record<string, Cell>>[];
  /** Columns and their order (default: every key of the rows, in order of first appearance). */
  readonly columns?: readonly string[];
  /** Whether a click on a column's heading sorts the rows by it. */
  readonly sortable?: boolean;
  /** A column whose cells say `pass` or `FAIL`, coloured so. */
  readonly verdict?: string;
}

export interface TextBlock extends Block {
  readonly kind: 'text';
  /** Paragraphs. */
  readonly paragraphs: readonly string[];
}

/** Preformatted text: a scenario as run, say. */
export interface CodeBlock extends Block {
  readonly kind: 'code';
  readonly text: string;
  readonly caption?: string;
}

/** What the page's script reads: the charts, each with its packed datasets, the VMs and the live source. */
export interface ReportPageData {
  readonly charts: readonly {
    readonly name: string;
    readonly spec: object;
    readonly datasets: Readonly<Record<string, PackedRows>>;
  }[];
  readonly vms: readonly string[];
  readonly live?: { readonly events: string };
}

const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** JSON inside `<script>`: `<` escaped, so no `</script>` or `<!--` in the data can end the element. */
export const scriptJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

const vmAttribute = (block: Block): string =>
  block.vm === undefined ? '' : ` data-vm="${escapeHtml(block.vm)}"`;

function chartHtml(block: ChartBlock): string {
  const caption = block.caption === undefined ? '' : `<figcaption>${escapeHtml(block.caption)}</figcaption>`;
  return `<figure class="chart" id="chart-${block.name}" data-chart="${escapeHtml(block.name)}"${vmAttribute(block)}><div class="view"></div>${caption}</figure>`;
}

function tableHtml(block: TableBlock): string {
  const columns = block.columns ?? [...new Set(block.rows.flatMap((row) => Object.keys(row)))];
  const numeric = new Set(
    columns.filter((c) => block.rows.every((row) => row[c] === undefined || typeof row[c] === 'number')),
  );
  const head = columns
    .map((c) => `<th${numeric.has(c) ? ' class="number"' : ''} scope="col">${escapeHtml(c)}</th>`)
    .join('');
  const cell = (column: string, value: Cell | undefined): string => {
    const classes = [
      ...(numeric.has(column) ? ['number'] : []),
      ...(column === block.verdict ? [value === 'pass' ? 'pass' : 'fail'] : []),
    ];
    const attributes = classes.length === 0 ? '' : ` class="${classes.join(' ')}"`;
    return `<td${attributes}>${value === undefined ? '' : escapeHtml(String(value))}</td>`;
  };
  const body = block.rows.map((row) => `<tr>${columns.map((c) => cell(c, row[c])).join('')}</tr>`).join('\n');
  const sortable = block.sortable === true ? ' sortable' : '';
  return `<div class="table-wrap"${vmAttribute(block)}><table class="data${sortable}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

function blockHtml(block: ReportBlock): string {
  switch (block.kind) {
    case 'chart':
      return chartHtml(block);
    case 'table':
      return tableHtml(block);
    case 'text':
      return `<div class="text"${vmAttribute(block)}>${block.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('')}</div>`;
    case 'code': {
      const caption =
        block.caption === undefined ? '' : `<p class="caption">${escapeHtml(block.caption)}</p>`;
      return `<div class="code"${vmAttribute(block)}>${caption}<pre>${escapeHtml(block.text)}</pre></div>`;
    }
  }
}

/** Chart names are unique ids, and a block of a VM names one of the report's VMs, whatever kind it is. */
function checkBlocks(report: HtmlReport): void {
  const names = new Set<string>();
  report.sections.forEach((section, s) => {
    section.blocks.forEach((block, b) => {
      if (block.vm !== undefined && !report.vms?.includes(block.vm)) {
        throw new InvalidInputError(
          `sections[${s}].blocks[${b}].vm`,
          `no VM ${JSON.stringify(block.vm)} in vms`,
        );
      }
      if (block.kind !== 'chart') return;
      const field = `sections[${s}].blocks[${b}].name`;
      if (!/^[A-Za-z0-9_-]+$/.test(block.name)) {
        throw new InvalidInputError(
          field,
          `expected letters, digits, "-" and "_", got ${JSON.stringify(block.name)}`,
        );
      }
      if (names.has(block.name)) {
        throw new InvalidInputError(field, `the chart name ${JSON.stringify(block.name)} is used twice`);
      }
      names.add(block.name);
    });
  });
}

/**
 * A report's sections as HTML, and the charts the page draws in them: the part of the page a live view
 * replaces as the run goes on.
 */
export function reportMain(report: HtmlReport): { main: string; charts: ReportPageData['charts'] } {
  checkBlocks(report);
  const charts = report.sections.flatMap((section) =>
    section.blocks.flatMap((block) => {
      if (block.kind !== 'chart') return [];
      const packed = packSpecData(block.spec, block.name);
      return [{ name: block.name, spec: packed.spec, datasets: packed.datasets }];
    }),
  );
  const main = report.sections
    .map(
      (section, i) =>
        `<section id="section-${i}"><h2>${escapeHtml(section.title)}</h2>\n${section.blocks.map(blockHtml).join('\n')}\n</section>`,
    )
    .join('\n');
  return { main, charts };
}

/** How to use the page's charts. */
const hint = (report: HtmlReport): string =>
  (report.vms ?? []).length === 0
    ? 'Hover a chart for its values.'
    : 'Hover a chart for its values. On a time axis the wheel zooms, dragging pans and a double click goes back. Click a VM in a legend, or above, to hide or show it.';

/**
 * A report as one HTML page that needs nothing else: vega, vega-lite and vega-embed are inside it, with the
 * data, so it opens offline in any browser and makes no request. Charts are drawn when the page loads, as SVG;
 * hovering shows values, and where a chart allows it the wheel zooms its time axis. The same report gives the
 * same bytes.
 */
export function renderHtmlReport(report: HtmlReport): string {
  const assets = reportAssets();
  const { main, charts } = reportMain(report);
  const data: ReportPageData = {
    charts,
    vms: report.vms ?? [],
    ...(report.live === undefined ? {} : { live: report.live }),
  };
  const facts = report.facts
    .map((f) => `<div><dt>${escapeHtml(f.label)}</dt><dd>${escapeHtml(f.value)}</dd></div>`)
    .join('');
  const vmPicker =
    (report.vms ?? []).length === 0
      ? ''
      : `<fieldset class="vm-picker"><legend>VMs shown</legend>${(report.vms ?? [])
          .map(
            (vm) =>
              `<label><input type="checkbox" checked data-vm="${escapeHtml(vm)}"> ${escapeHtml(vm)}</label>`,
          )
          .join('')}</fieldset>`;
  const nav = report.sections
    .map((section, i) => `<a href="#section-${i}">${escapeHtml(section.title)}</a>`)
    .join('');
  const live =
    report.live === undefined
      ? ''
      : '<div class="live" role="status"><progress max="1" value="0"></progress> <span class="live-state">waiting for the run…</span></div>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(report.title)} — hvsim ${escapeHtml(report.kind)}</title>
<style>
${assets.style}</style>
</head>
<body>
<header>
<p class="kind">hvsim ${escapeHtml(report.kind)}</p>
<h1>${escapeHtml(report.title)}</h1>
<dl class="facts">${facts}</dl>
${live}
<nav>${nav}</nav>
${vmPicker}
<p class="hint">${hint(report)}</p>
</header>
<main>
${main}
</main>
${assets.libraries.map((library) => `<script>${library}</script>`).join('\n')}
<script type="application/json" id="hvsim-report-data">${scriptJson(data)}</script>
<script>
${assets.script}</script>
</body>
</html>
`;
}
