import {
  type EventValue,
  HvsimError,
  InvalidInputError,
  type MetricSeries,
  type MetricsTable,
  type SimEvent,
} from '@hvsim/spec';

const NS_PER_S = 1_000_000_000n;

/** The label a series goes by in reports and charts: `<vm>/<name>`, or `host/<name>` for a host-wide series. */
export const seriesLabel = (series: MetricSeries): string => `${series.vm ?? 'host'}/${series.name}`;

/** A series' column header in the CSV: `<vm>/<name> (<unit>)`. */
export const seriesColumn = (series: MetricSeries): string => `${seriesLabel(series)} (${series.unit})`;

/**
 * A number as the CSV prints it: the shortest text that reads back as the same float (`String`, never the
 * locale), `NaN` as an empty cell, infinities as `inf` / `-inf` (what pandas, R and spreadsheets read).
 */
export function formatCsvNumber(value: number): string {
  if (Number.isNaN(value)) return '';
  if (value === Number.POSITIVE_INFINITY) return 'inf';
  if (value === Number.NEGATIVE_INFINITY) return '-inf';
  return String(value);
}

/**
 * Host simulated time (nanoseconds) in seconds, exactly: a whole number of nanoseconds is shifted by nine
 * decimal places as text (1500000001 ns is `1.500000001`), which a float division would round past 15 digits.
 */
export function nanosToSecondsText(nanos: number): string {
  if (!Number.isSafeInteger(nanos)) return formatCsvNumber(nanos / 1e9);
  const big = BigInt(nanos);
  const sign = big < 0n ? '-' : '';
  const magnitude = big < 0n ? -big : big;
  const whole = magnitude / NS_PER_S;
  const fraction = (magnitude % NS_PER_S).toString().padStart(9, '0').replace(/0+$/, '');
  return `${sign}${whole}${fraction === '' ? '' : `.${fraction}`}`;
}

/** Quotes a CSV field when it holds a comma, a quote or a line break (RFC 4180). */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function checkTable(table: MetricsTable): void {
  table.series.forEach((series, index) => {
    if (series.values.length !== table.times.length) {
      throw new InvalidInputError(
        `series[${index}] (${seriesLabel(series)})`,
        `expected ${table.times.length} values, one per sample time, got ${series.values.length}`,
      );
    }
  });
}

/**
 * The metrics as a wide CSV: a `time_s` column (host simulated time in seconds), a miniature's `scale` column
 * (R on every row, so a file read alone still says its values stand for a host R times larger than the one
 * simulated), then one column per series named `<vm>/<name> (<unit>)` or `host/<name> (<unit>)`, in the
 * table's order. Lines end in `\n`, the last one too. The same table always gives the same bytes.
 */
export function metricsToCsv(table: MetricsTable): string {
  checkTable(table);
  const miniature = table.scale !== undefined;
  const header = ['time_s', ...(miniature ? ['scale'] : []), ...table.series.map(seriesColumn)];
  const scale = miniature ? [formatCsvNumber(table.scale)] : [];
  const lines: string[] = [header.map(csvField).join(',')];
  for (let row = 0; row < table.times.length; row++) {
    const cells = [nanosToSecondsText(table.times[row]!), ...scale];
    for (const series of table.series) cells.push(formatCsvNumber(series.values[row]!));
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** A JSON number for a float that JSON cannot hold: `null` for `NaN` and the infinities. */
const jsonNumber = (value: number): number | null => (Number.isFinite(value) ? value : null);

/** A metrics table as plain JSON: what {@link metricsToJson} writes and {@link metricsFromJson} reads. */
export interface MetricsJson {
  /** A miniature's scale R: the values are the full host's. Absent at full size. */
  readonly scale?: number;
  /** Sample times, host simulated time in nanoseconds. */
  readonly times: number[];
  readonly series: { name: string; unit: string; vm?: string; values: (number | null)[] }[];
}

/**
 * The metrics as plain JSON with arrays (`{ "scale"?: R, "times": [ns…], "series": [{ name, unit, vm?,
 * values }] }`): times stay in nanoseconds as in the table; `NaN` and infinities become `null`. Ends in a
 * line break.
 */
export function metricsToJson(table: MetricsTable): string {
  checkTable(table);
  const json: MetricsJson = {
    ...(table.scale === undefined ? {} : { scale: table.scale }),
    times: Array.from(table.times, (time) => jsonNumber(time) ?? 0),
    series: table.series.map((series) => ({
      name: series.name,
      unit: series.unit,
      ...(series.vm === undefined ? {} : { vm: series.vm }),
      values: Array.from(series.values, jsonNumber),
    })),
  };
  return `${JSON.stringify(json)}\n`;
}

/** Reads what {@link metricsToJson} wrote back into a table (`null` values become `NaN`). */
export function metricsFromJson(text: string): MetricsTable {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError('metrics.json', `expected JSON, ${(error as Error).message}`);
  }
  const record = json as Partial<MetricsJson> | null;
  if (!record || !Array.isArray(record.times) || !Array.isArray(record.series)) {
    throw new InvalidInputError('metrics.json', 'expected an object with "times" and "series" arrays');
  }
  const { scale } = record;
  if (!(scale === undefined || (typeof scale === 'number' && scale > 1))) {
    throw new InvalidInputError('metrics.json: scale', `expected a miniature's scale above 1, got ${scale}`);
  }
  return {
    ...(scale === undefined ? {} : { scale }),
    times: Float64Array.from(record.times),
    series: record.series.map((series, index) => {
      if (
        typeof series?.name !== 'string' ||
        typeof series.unit !== 'string' ||
        !Array.isArray(series.values)
      ) {
        throw new InvalidInputError(`metrics.json: series[${index}]`, 'expected { name, unit, values }');
      }
      return {
        name: series.name,
        unit: series.unit,
        ...(typeof series.vm === 'string' ? { vm: series.vm } : {}),
        values: Float64Array.from(series.values, (value) => value ?? Number.NaN),
      };
    }),
  };
}

const EVENT_KEYS = ['time', 'source', 'kind', 'vm', 'data'] as const;

/**
 * The event log as JSON lines: one object per event and line, keys in the order `time`, `source`, `kind`,
 * `vm`, `data` (absent ones left out) and the keys of `data` sorted, so a log always serialises to the same
 * bytes. Ends in a line break unless there are no events. A number JSON cannot hold (`NaN`, infinities) is
 * an error naming the event, since it would not read back.
 */
export function eventsToJsonLines(events: readonly SimEvent[]): string {
  let out = '';
  events.forEach((event, index) => {
    const fields: string[] = [];
    for (const key of EVENT_KEYS) {
      const value = event[key];
      if (value === undefined) continue;
      if (key === 'data') {
        const data = value as Readonly<Record<string, EventValue>>;
        const entries = Object.keys(data)
          .sort()
          .map(
            (name) => `${JSON.stringify(name)}:${eventValue(data[name]!, `events[${index}].data.${name}`)}`,
          );
        fields.push(`"data":{${entries.join(',')}}`);
      } else {
        fields.push(`"${key}":${eventValue(value as EventValue, `events[${index}].${key}`)}`);
      }
    }
    out += `{${fields.join(',')}}\n`;
  });
  return out;
}

function eventValue(value: EventValue, field: string): string {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new HvsimError('invalid-event', `expected a finite number, got ${value}`, field);
  }
  return JSON.stringify(value);
}

/** Reads JSON lines written by {@link eventsToJsonLines}; a bad line is an error naming its line number. */
export function eventsFromJsonLines(text: string): SimEvent[] {
  const events: SimEvent[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const field = `events.jsonl:${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new InvalidInputError(field, `expected a JSON object, ${(error as Error).message}`);
    }
    const event = value as Partial<SimEvent> | null;
    if (
      !event ||
      typeof event !== 'object' ||
      typeof event.time !== 'number' ||
      typeof event.source !== 'string' ||
      typeof event.kind !== 'string'
    ) {
      throw new InvalidInputError(
        field,
        'expected an event with a numeric "time" and string "source" and "kind"',
      );
    }
    events.push(event as SimEvent);
  });
  return events;
}
