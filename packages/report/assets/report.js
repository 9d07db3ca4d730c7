// An hvsim report page: turns each chart's packed columns back into rows, draws the chart with vega-embed,
// and wires what a reader does: hiding and showing VMs (the picker, or a click in a legend), sorting tables,
// and on a live page the server's updates. It reads its data from #hvsim-report-data and needs no network.
(() => {
  const hiddenVms = new Set();
  /** Per chart: its view, and the lines hidden by a click in its own legend that are not VMs. */
  const charts = new Map();
  let page = JSON.parse(document.getElementById('hvsim-report-data').textContent);

  function unpack(packed) {
    const rows = Array.from({ length: packed.length }, () => ({}));
    for (const [field, column] of Object.entries(packed.columns)) {
      for (let i = 0; i < packed.length; i++) {
        rows[i][field] = column.numbers
          ? column.numbers[i]
          : column.codes
            ? column.labels[column.codes[i]]
            : column.values[i];
      }
    }
    return rows;
  }

  const hasSignal = (view, name) => {
    try {
      view.signal(name);
      return true;
    } catch {
      return false;
    }
  };

  function applyHidden() {
    for (const input of document.querySelectorAll('.vm-picker input[data-vm]')) {
      input.checked = !hiddenVms.has(input.dataset.vm);
    }
    for (const element of document.querySelectorAll('main [data-vm]')) {
      element.hidden = hiddenVms.has(element.dataset.vm);
    }
    return Promise.all(
      [...charts.values()]
        .filter((chart) => hasSignal(chart.view, 'hidden'))
        .map((chart) => chart.view.signal('hidden', [...hiddenVms, ...chart.hidden]).runAsync()),
    );
  }

  function toggle(chart, label) {
    const set = page.vms.includes(label) ? hiddenVms : chart.hidden;
    if (set.has(label)) set.delete(label);
    else set.add(label);
    return applyHidden();
  }

  /** Vega's legends take no clicks unless told to: the compiled spec's legends are made to, at every level. */
  function clickableLegends(spec) {
    for (const legend of spec.legends ?? []) {
      legend.encode ??= {};
      for (const part of ['symbols', 'labels'])
        legend.encode[part] = { ...legend.encode[part], interactive: true };
    }
    for (const mark of spec.marks ?? []) if (mark.type === 'group') clickableLegends(mark);
    return spec;
  }

  const numberFormat = new Intl.NumberFormat('en', { maximumSignificantDigits: 4 });
  const shown = (value) => (typeof value === 'number' ? numberFormat.format(value) : '–');

  /**
   * A time-series chart's readout: the time under the pointer, marked by the chart's rule, and every drawn
   * line's value then, in the tooltip. It is worked out here, on hover, from the chart's own rows: drawn
   * by vega for every sample instead, it took most of a long run's drawing time.
   */
  function hoverReadout(entry, rows, meta) {
    const { view } = entry;
    // Each line's sample times and values, in time order; a line leaves out the inside of a run of equal
    // values, so its value at a time is that of its last sample at or before it.
    const lines = new Map();
    const all = new Set();
    for (const row of rows) {
      if (!lines.has(row.series)) lines.set(row.series, { times: [], values: [] });
      const line = lines.get(row.series);
      line.times.push(row[meta.time]);
      line.values.push(row.value);
      all.add(row[meta.time]);
    }
    const times = [...all].sort((a, b) => a - b);
    /** The index of the first of `sorted` at or after `time`. */
    const search = (sorted, time) => {
      let low = 0;
      let high = sorted.length;
      while (low < high) {
        const middle = (low + high) >> 1;
        if (sorted[middle] < time) low = middle + 1;
        else high = middle;
      }
      return low;
    };
    const nearest = (time) => {
      const i = Math.min(search(times, time), times.length - 1);
      return i > 0 && time - times[i - 1] < times[i] - time ? times[i - 1] : times[i];
    };
    const valueAt = (line, time) => {
      const i = search(line.times, time);
      return line.times[i] === time ? line.values[i] : line.values[i - 1];
    };
    const tooltip = view.tooltip();
    const hide = (event) => {
      tooltip(null, event, null, null);
      void view.signal('hover_time', null).runAsync();
    };
    view.addEventListener('pointermove', (event) => {
      const [x, y] = event.vega.xy();
      if (x < 0 || x > view.width() || y < 0 || y > view.height() || times.length === 0) return hide(event);
      const time = nearest(view.scale('x').invert(x));
      const hidden = view.signal('hidden');
      const readout = { [meta.title]: shown(time) };
      for (const [label, line] of lines) {
        if (!hidden.includes(label)) readout[label] = shown(valueAt(line, time));
      }
      tooltip(null, event, null, readout);
      void view.signal('hover_time', time).runAsync();
    });
    view.addEventListener('pointerout', hide);
  }

  async function draw(chart) {
    const figure = document.getElementById(`chart-${chart.name}`);
    const datasets = Object.fromEntries(
      Object.entries(chart.datasets).map(([name, packed]) => [name, unpack(packed)]),
    );
    try {
      const result = await vegaEmbed(
        figure.querySelector('.view'),
        { ...chart.spec, datasets },
        {
          renderer: 'svg',
          actions: { export: true, source: false, compiled: false, editor: false },
          tooltip: { theme: 'light' },
          patch: clickableLegends,
        },
      );
      const entry = { view: result.view, hidden: new Set() };
      charts.set(chart.name, entry);
      const hover = chart.spec.usermeta?.hover;
      if (hover !== undefined) hoverReadout(entry, datasets[chart.spec.data.name], hover);
      if (hasSignal(result.view, 'hidden')) {
        figure.classList.add('toggles');
        result.view.addEventListener('click', (_event, item) => {
          const role = item?.mark?.role;
          if (role === 'legend-symbol' || role === 'legend-label') void toggle(entry, item.datum.value);
        });
      }
    } catch (error) {
      figure.classList.add('failed');
      figure.querySelector('.view').textContent = `This chart could not be drawn: ${error.message}`;
      console.error(`chart ${chart.name}:`, error);
    }
  }

  async function render() {
    for (const chart of charts.values()) chart.view.finalize();
    charts.clear();
    await Promise.all(page.charts.map(draw));
    await applyHidden();
  }

  function sortBy(header) {
    const table = header.closest('table');
    const column = [...header.parentElement.children].indexOf(header);
    const ascending = header.getAttribute('aria-sort') !== 'ascending';
    const numeric = header.classList.contains('number');
    const key = (row) => {
      const text = row.children[column]?.textContent ?? '';
      return numeric ? Number(text) : text;
    };
    const rows = [...table.tBodies[0].rows].sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      const order = numeric ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
      return ascending ? order : -order;
    });
    for (const other of header.parentElement.children) other.removeAttribute('aria-sort');
    header.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    table.tBodies[0].append(...rows);
  }

  document.addEventListener('click', (event) => {
    const header = event.target.closest?.('table.sortable th');
    if (header) sortBy(header);
  });
  document.addEventListener('change', (event) => {
    const vm = event.target.closest?.('.vm-picker input[data-vm]')?.dataset.vm;
    if (vm === undefined) return;
    if (event.target.checked) hiddenVms.delete(vm);
    else hiddenVms.add(vm);
    void applyHidden();
  });

  /** A live page: each update is the report as it stands, drawn in place; the last says where it was written. */
  function follow(live) {
    const progress = document.querySelector('.live progress');
    const state = document.querySelector('.live .live-state');
    const source = new EventSource(live.events);
    let drawing = Promise.resolve();
    source.addEventListener('update', (event) => {
      const update = JSON.parse(event.data);
      drawing = drawing.then(async () => {
        progress.value = update.progress;
        state.textContent = update.state;
        document.querySelector('main').innerHTML = update.main;
        page = { ...page, charts: update.charts };
        await render();
        document.documentElement.dataset.updates = String(
          Number(document.documentElement.dataset.updates ?? 0) + 1,
        );
      });
    });
    source.addEventListener('end', (event) => {
      source.close();
      void drawing.then(() => {
        state.textContent = JSON.parse(event.data).state;
        document.documentElement.dataset.live = 'ended';
      });
    });
  }

  const ready = render().then(() => {
    document.documentElement.dataset.ready = 'true';
  });
  if (page.live) follow(page.live);
  window.hvsimReport = { ready, charts, hiddenVms };
})();
