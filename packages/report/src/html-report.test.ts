import { fc, test } from '@fast-check/vitest';
import { InvalidInputError, type MetricsTable } from '@hvsim/spec';
import { describe, expect } from 'vitest';
import { comparisonChart, timeSeriesChart } from './chart';
import {
  type HtmlReport,
  type ReportBlock,
  type ReportPageData,
  renderHtmlReport,
  reportMain,
  scriptJson,
} from './html-report';
import { packRows } from './packed-data';
import { reportAssets } from './report-assets';

const metrics: MetricsTable = {
  times: Float64Array.from([0, 1e9, 2e9]),
  series: [
    { name: 'allocated', unit: 'pages', vm: 'web', values: Float64Array.from([1, 2, 3]) },
    { name: 'allocated', unit: 'pages', vm: 'db', values: Float64Array.from([3, 2, 1]) },
  ],
};
const memory = timeSeriesChart(metrics, {
  title: 'Memory',
  yTitle: 'pages',
  series: () => true,
  label: (s) => s.vm ?? 'host',
  interactive: true,
  rules: [{ label: 'host', value: 4 }],
  width: 120,
  height: 60,
});
const comparison = comparisonChart([{ label: 'hvsim', kind: 'simulated', points: [{ x: 1, y: 2 }] }], {
  title: 'Compared',
  xTitle: 'x',
  yTitle: 'y',
});

const report: HtmlReport = {
  title: 'two VMs',
  kind: 'run',
  facts: [
    { label: 'seed', value: '7' },
    { label: 'hvsim', value: '1.2.3' },
  ],
  vms: ['web', 'db'],
  sections: [
    {
      title: 'Summary',
      blocks: [
        {
          kind: 'table',
          rows: [
            { vm: 'web', ops: 10, result: 'pass' },
            { vm: 'db', ops: 2.5, result: 'FAIL', note: 'slow' },
          ],
          verdict: 'result',
          sortable: true,
        },
        { kind: 'text', paragraphs: ['One.', 'Two.'] },
      ],
    },
    {
      title: 'Memory',
      blocks: [
        { kind: 'chart', name: 'memory', spec: memory, caption: 'Hover for values.' },
        { kind: 'chart', name: 'vm-0', spec: comparison, vm: 'web' },
        { kind: 'text', vm: 'db', paragraphs: ['db recorded nothing.'] },
      ],
    },
    { title: 'Scenario', blocks: [{ kind: 'code', text: 'duration: 1s\n', caption: 'as run' }] },
  ],
};

/** The JSON the page's script reads. */
function pageData(page: string): ReportPageData {
  const found = /<script type="application\/json" id="hvsim-report-data">([^<]*)<\/script>/.exec(page);
  expect(found).not.toBeNull();
  return JSON.parse(found![1]!);
}

/** The page without its scripts: the HTML a reader's browser lays out. */
const markup = (page: string) => page.replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '');

const count = (text: string, pattern: RegExp) => (text.match(pattern) ?? []).length;

/** A report of one section holding `blocks`. */
const withBlocks = (blocks: ReportBlock[], vms?: string[]): HtmlReport => ({
  title: 't',
  kind: 'run',
  facts: [],
  ...(vms === undefined ? {} : { vms }),
  sections: [{ title: 's', blocks }],
});

const page = renderHtmlReport(report);

describe('renderHtmlReport', () => {
  test('makes a page that needs nothing else: the libraries, script and style inline, no request anywhere', () => {
    const assets = reportAssets();
    // Each browser build sets its global, in the order they need each other: vega, vega-lite, vega-embed.
    expect(assets.libraries.map((library) => /\.(vega|vegaLite|vegaEmbed)=/.exec(library)?.[1])).toEqual([
      'vega',
      'vegaLite',
      'vegaEmbed',
    ]);
    const at = assets.libraries.map((library) => page.indexOf(`<script>${library}</script>`));
    expect(at.every((position, i) => position > 0 && (i === 0 || position > at[i - 1]!))).toBe(true);
    expect(page).toContain(assets.script);
    expect(page).toContain(`<style>\n${assets.style}</style>`);
    expect(page).not.toMatch(/\b(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(page).not.toMatch(/<link[^>]*rel="stylesheet"/i);
    expect(page).not.toMatch(/<script[^>]*\ssrc=/i);
    // The one link is the icon, which would otherwise be fetched from the server.
    expect(markup(page).match(/<link[^>]*>/g)).toEqual(['<link rel="icon" href="data:,">']);
    // Three libraries, the data and the page's script, each ending where it should.
    expect(count(page, /<script\b/gi)).toBe(5);
    expect(count(page, /<\/script/gi)).toBe(5);
  });

  test('gives the same bytes for the same report, and says what it is in its head', () => {
    expect(renderHtmlReport(structuredClone(report))).toBe(page);
    expect(page.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(page).toContain('<title>two VMs — hvsim run</title>');
    expect(page).toContain('<h1>two VMs</h1>');
    expect(page).toContain(
      '<dl class="facts"><div><dt>seed</dt><dd>7</dd></div><div><dt>hvsim</dt><dd>1.2.3</dd></div></dl>',
    );
    expect(page).toContain(
      '<nav><a href="#section-0">Summary</a><a href="#section-1">Memory</a><a href="#section-2">Scenario</a></nav>',
    );
    expect(markup(page)).not.toContain('class="live"');
  });

  test('puts the charts in the data script, their inline rows packed under names of their own', () => {
    const data = pageData(page);
    expect(data.vms).toEqual(['web', 'db']);
    expect(data).not.toHaveProperty('live');
    expect(data.charts.map((c) => c.name)).toEqual(['memory', 'vm-0']);
    const [chart] = data.charts;
    // biome-ignore lint/suspicious/noExplicitAny: test access into nested JSON
    const spec = chart!.spec as any;
    expect(spec.title).toBe('Memory');
    expect(spec.data).toEqual({ name: 'memory-0' });
    expect(spec.layer[0].mark.type).toBe('line');
    // The lines' rows, the hover rule's one row, then the capacity rule's and its label's.
    expect(Object.keys(chart!.datasets)).toEqual(['memory-0', 'memory-1', 'memory-2', 'memory-3']);
    // biome-ignore lint/suspicious/noExplicitAny: test access into nested JSON
    const rows = (memory as any).data.values;
    expect(chart!.datasets['memory-0']).toEqual(JSON.parse(JSON.stringify(packRows(rows))));
    expect(JSON.stringify(data)).not.toContain('"values":[{');
    expect(reportMain(report).charts).toEqual(data.charts);
    expect(page).toContain(`<main>\n${reportMain(report).main}\n</main>`);
  });

  test('draws a figure per chart and marks what belongs to a VM, with a picker of the VMs', () => {
    expect(page).toContain(
      '<figure class="chart" id="chart-memory" data-chart="memory"><div class="view"></div><figcaption>Hover for values.</figcaption></figure>',
    );
    expect(page).toContain(
      '<figure class="chart" id="chart-vm-0" data-chart="vm-0" data-vm="web"><div class="view"></div></figure>',
    );
    expect(page).toContain('<div class="text" data-vm="db"><p>db recorded nothing.</p></div>');
    expect(page).toContain('<div class="text"><p>One.</p><p>Two.</p></div>');
    expect(page).toContain('<div class="code"><p class="caption">as run</p><pre>duration: 1s\n</pre></div>');
    expect(page).toContain(
      '<fieldset class="vm-picker"><legend>VMs shown</legend><label><input type="checkbox" checked data-vm="web"> web</label><label><input type="checkbox" checked data-vm="db"> db</label></fieldset>',
    );
    expect(page).toContain('a legend, or above, to hide or show it');
    const alone = renderHtmlReport({ ...report, vms: [], sections: [report.sections[0]!] });
    expect(markup(alone)).not.toContain('<fieldset');
    expect(alone).toContain('<p class="hint">Hover a chart for its values.</p>');
  });

  test('sets numbers right and colours verdicts, and sorts when asked', () => {
    expect(page).toContain('<table class="data sortable">');
    expect(page).toContain(
      '<thead><tr><th scope="col">vm</th><th class="number" scope="col">ops</th><th scope="col">result</th><th scope="col">note</th></tr></thead>',
    );
    expect(page).toContain(
      '<tr><td>web</td><td class="number">10</td><td class="pass">pass</td><td></td></tr>\n<tr><td>db</td><td class="number">2.5</td><td class="fail">FAIL</td><td>slow</td></tr>',
    );
    const plain = renderHtmlReport(
      withBlocks([
        {
          kind: 'table',
          rows: [
            { a: 1, b: 'x', c: 2 },
            { a: 'one', b: 'y', c: 3 },
          ],
          columns: ['c', 'a'],
        },
      ]),
    );
    expect(plain).toContain(
      '<table class="data"><thead><tr><th class="number" scope="col">c</th><th scope="col">a</th></tr></thead>',
    );
    expect(plain).toContain('<tr><td class="number">2</td><td>1</td></tr>');
  });

  test('on a live page, shows the run’s state and tells the script where updates come from', () => {
    const live = renderHtmlReport({ ...report, live: { events: '/events' } });
    expect(live).toContain(
      '<div class="live" role="status"><progress max="1" value="0"></progress> <span class="live-state">waiting for the run…</span></div>',
    );
    expect(pageData(live).live).toEqual({ events: '/events' });
  });

  test('escapes text everywhere, so none can end an element or an attribute', () => {
    const evil = `</script><script>alert(1)</script><!--"'&`;
    const shown = '&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;!--&quot;&#39;&amp;';
    const chart = timeSeriesChart(metrics, {
      title: evil,
      yTitle: evil,
      series: () => true,
      label: (s) => `${s.vm}${evil}`,
      interactive: true,
    });
    const hostile = renderHtmlReport({
      title: evil,
      kind: evil,
      facts: [{ label: evil, value: evil }],
      vms: [evil],
      sections: [
        {
          title: evil,
          blocks: [
            { kind: 'chart', name: 'c', spec: chart, caption: evil, vm: evil },
            { kind: 'table', rows: [{ [evil]: evil }], verdict: evil },
            { kind: 'text', paragraphs: [evil] },
            { kind: 'code', text: evil, caption: evil },
          ],
        },
      ],
    });
    expect(hostile).not.toContain(evil);
    expect(count(hostile, /<script\b/gi)).toBe(5);
    expect(count(hostile, /<\/script/gi)).toBe(5);
    expect(count(hostile, /<!--/g)).toBe(0);
    for (const place of [
      `<title>${shown} — hvsim ${shown}</title>`,
      `<p class="kind">hvsim ${shown}</p>`,
      `<h1>${shown}</h1>`,
      `<dt>${shown}</dt><dd>${shown}</dd>`,
      `<h2>${shown}</h2>`,
      `<a href="#section-0">${shown}</a>`,
      `data-vm="${shown}"> ${shown}</label>`,
      `data-chart="c" data-vm="${shown}">`,
      `<figcaption>${shown}</figcaption>`,
      `<th scope="col">${shown}</th>`,
      `<td class="fail">${shown}</td>`,
      `<p>${shown}</p>`,
      `<p class="caption">${shown}</p><pre>${shown}</pre>`,
    ]) {
      expect(hostile).toContain(place);
    }
    // The data script holds the text as it was.
    const data = pageData(hostile);
    expect(data.vms).toEqual([evil]);
    expect((data.charts[0]!.spec as { title: string }).title).toBe(evil);
  });

  test.each([
    ['a b', 'sections[1].blocks[0].name'],
    ['a.b', 'sections[1].blocks[0].name'],
    ['', 'sections[1].blocks[0].name'],
    ['x"y', 'sections[1].blocks[0].name'],
  ])('rejects the chart name %j, naming the field', (name, field) => {
    const bad: HtmlReport = {
      ...report,
      sections: [report.sections[0]!, { title: 's', blocks: [{ kind: 'chart', name, spec: memory }] }],
    };
    expect(() => renderHtmlReport(bad)).toThrow(InvalidInputError);
    expect(() => renderHtmlReport(bad)).toThrow(`${field}: expected letters, digits, "-" and "_"`);
  });

  test('rejects a chart name used twice on the page, naming the second', () => {
    const twice: HtmlReport = {
      ...report,
      sections: [
        ...report.sections,
        { title: 'again', blocks: [{ kind: 'chart', name: 'memory', spec: memory }] },
      ],
    };
    expect(() => renderHtmlReport(twice)).toThrow(
      'sections[3].blocks[0].name: the chart name "memory" is used twice',
    );
  });

  test.each<ReportBlock>([
    { kind: 'chart', name: 'c', spec: memory, vm: 'mail' },
    { kind: 'table', rows: [{ a: 1 }], vm: 'mail' },
    { kind: 'text', paragraphs: ['x'], vm: 'mail' },
    { kind: 'code', text: 'x', vm: 'mail' },
  ])('rejects a $kind block of a VM the report does not list, naming the field', (block) => {
    const attempt = (vms?: string[]) => () =>
      renderHtmlReport(withBlocks([{ kind: 'text', paragraphs: [] }, block], vms));
    expect(attempt(['web'])).toThrow(InvalidInputError);
    expect(attempt(['web'])).toThrow('sections[0].blocks[1].vm: no VM "mail" in vms');
    expect(attempt()).toThrow('sections[0].blocks[1].vm');
    expect(attempt(['web', 'mail'])).not.toThrow();
  });
});

describe('scriptJson', () => {
  test('escapes every "<", so no data can end its script element', () => {
    expect(scriptJson({ a: '</script><!--' })).toBe('{"a":"\\u003c/script>\\u003c!--"}');
  });

  test.prop([fc.jsonValue()])('gives JSON that reads back as the value, with no "<" in it', (value) => {
    const text = scriptJson(value);
    expect(text).not.toContain('<');
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
  });
});
