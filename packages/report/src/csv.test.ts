import { HvsimError, InvalidInputError, type MetricsTable, type SimEvent, type VmId } from '@hvsim/spec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  eventsFromJsonLines,
  eventsToJsonLines,
  metricsFromJson,
  metricsToCsv,
  metricsToJson,
  nanosToSecondsText,
} from './csv';

const table: MetricsTable = {
  times: Float64Array.from([0, 500_000_000, 1_000_000_000, 1_500_000_001]),
  series: [
    { name: 'allocated', unit: 'pages', vm: 'vm1', values: Float64Array.from([0, 1024, 2048, 4096]) },
    { name: 'throughput', unit: 'ops/s', vm: 'vm1', values: Float64Array.from([0.1, 1e21, -2.5, 1 / 3]) },
    { name: 'free', unit: 'pages', values: Float64Array.from([65536, Number.NaN, Infinity, -Infinity]) },
  ],
};

describe('metricsToCsv', () => {
  it("gives a miniature's scale a column of its own, after the time", () => {
    const lines = metricsToCsv({ ...table, scale: 64 }).split('\n');
    expect(lines[0]).toBe('time_s,scale,vm1/allocated (pages),vm1/throughput (ops/s),host/free (pages)');
    expect(lines[1]).toBe('0,64,0,0.1,65536');
  });

  it('writes time in seconds, then one column per series named <vm|host>/<name> (<unit>)', () => {
    expect(metricsToCsv(table)).toBe(
      [
        'time_s,vm1/allocated (pages),vm1/throughput (ops/s),host/free (pages)',
        '0,0,0.1,65536',
        '0.5,1024,1e+21,',
        '1,2048,-2.5,inf',
        `1.500000001,4096,${String(1 / 3)},-inf`,
        '',
      ].join('\n'),
    );
  });

  it('prints every value so that it reads back as the same float', () => {
    const values = Float64Array.from([Math.PI, 1e-300, 123456789.123, -0.1 - 0.2, Number.MAX_VALUE]);
    const csv = metricsToCsv({
      times: Float64Array.from(values, (_, i) => i),
      series: [{ name: 'x', unit: 'u', values }],
    });
    const read = csv
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => Number(line.split(',')[1]));
    expect(read).toEqual([...values]);
  });

  it('converts whole nanoseconds to seconds exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (nanos) => {
        const text = nanosToSecondsText(nanos);
        const [whole, fraction = ''] = text.replace('-', '').split('.');
        expect(BigInt(whole! + fraction.padEnd(9, '0')) * (text.startsWith('-') ? -1n : 1n)).toBe(
          BigInt(nanos),
        );
        expect(fraction.endsWith('0')).toBe(false);
      }),
    );
    expect(nanosToSecondsText(2.5)).toBe('2.5e-9');
  });

  it('quotes headers that hold commas or quotes', () => {
    const csv = metricsToCsv({
      times: Float64Array.from([0]),
      series: [{ name: 'a,b', unit: 'say "x"', vm: 'v', values: Float64Array.from([1]) }],
    });
    expect(csv.split('\n')[0]).toBe('time_s,"v/a,b (say ""x"")"');
  });

  it('gives only a header for an empty table', () => {
    expect(metricsToCsv({ times: new Float64Array(0), series: [] })).toBe('time_s\n');
  });

  it('rejects a series whose length differs from the time axis, naming it', () => {
    const bad = {
      times: Float64Array.from([0, 1]),
      series: [{ name: 'free', unit: 'pages', values: new Float64Array(1) }],
    };
    expect(() => metricsToCsv(bad)).toThrow(InvalidInputError);
    expect(() => metricsToCsv(bad)).toThrow(/series\[0\] \(host\/free\).*expected 2 values/);
  });
});

describe('metricsToJson', () => {
  it('writes plain arrays and reads back the same table (non-finite values as null / NaN)', () => {
    const text = metricsToJson(table);
    const json = JSON.parse(text);
    expect(json.times).toEqual([0, 500_000_000, 1_000_000_000, 1_500_000_001]);
    expect(json.series[0]).toEqual({
      name: 'allocated',
      unit: 'pages',
      vm: 'vm1',
      values: [0, 1024, 2048, 4096],
    });
    expect(json.series[2]).toEqual({ name: 'free', unit: 'pages', values: [65536, null, null, null] });
    const back = metricsFromJson(text);
    expect(back.times).toEqual(table.times);
    expect(back.series[1]).toEqual(table.series[1]);
    expect([...back.series[2]!.values].slice(0, 2)).toEqual([65536, Number.NaN]);
    expect(metricsToJson(table)).toBe(text);
  });

  it("says a miniature's scale, and reads it back", () => {
    const text = metricsToJson({ ...table, scale: 16 });
    expect(JSON.parse(text).scale).toBe(16);
    expect(metricsFromJson(text).scale).toBe(16);
    expect(JSON.parse(metricsToJson(table))).not.toHaveProperty('scale');
    expect(metricsFromJson(metricsToJson(table))).not.toHaveProperty('scale');
  });

  it('names what is wrong with bad JSON', () => {
    expect(() => metricsFromJson('{')).toThrow(/metrics\.json: expected JSON/);
    expect(() => metricsFromJson('{"times":[],"series":[{"name":1}]}')).toThrow(/series\[0\]/);
    expect(() => metricsFromJson('{"scale":1,"times":[],"series":[]}')).toThrow(
      /metrics\.json: scale: expected a miniature's scale above 1, got 1/,
    );
  });
});

describe('eventsToJsonLines', () => {
  const events: SimEvent[] = [
    { kind: 'vm-added', source: 'machine', time: 0, vm: 1 as VmId, data: { pages: 4096, name: 'web' } },
    {
      time: 1.5e9,
      source: 'reclaim/states',
      kind: 'state-change',
      data: { from: 'high', to: 'soft', swap: true },
    },
    { time: 2e9, source: 'host', kind: 'tick' },
  ];

  it('writes one object per line with keys in a fixed order and data keys sorted', () => {
    expect(eventsToJsonLines(events)).toBe(
      [
        '{"time":0,"source":"machine","kind":"vm-added","vm":1,"data":{"name":"web","pages":4096}}',
        '{"time":1500000000,"source":"reclaim/states","kind":"state-change","data":{"from":"high","swap":true,"to":"soft"}}',
        '{"time":2000000000,"source":"host","kind":"tick"}',
        '',
      ].join('\n'),
    );
    expect(eventsToJsonLines([])).toBe('');
  });

  it('round-trips any event log', () => {
    const value = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string(), fc.boolean());
    const event = fc.record(
      {
        time: fc.nat(),
        source: fc.string(),
        kind: fc.string(),
        vm: fc.nat().map((n) => n as VmId),
        data: fc.dictionary(
          fc.string().filter((key) => key !== '__proto__'),
          value,
        ),
      },
      { requiredKeys: ['time', 'source', 'kind'] },
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 8 }), (log) => {
        const text = eventsToJsonLines(log);
        expect(text.split('\n').length).toBe(log.length + 1);
        // -0 becomes 0 in JSON, which is the same event.
        expect(eventsFromJsonLines(text)).toEqual(JSON.parse(JSON.stringify(log)));
        expect(eventsToJsonLines(eventsFromJsonLines(text))).toBe(text);
      }),
    );
  });

  it('rejects a number JSON cannot hold, naming the event and key', () => {
    const bad: SimEvent[] = [events[2]!, { time: 3, source: 's', kind: 'k', data: { ratio: Number.NaN } }];
    expect(() => eventsToJsonLines(bad)).toThrow(HvsimError);
    expect(() => eventsToJsonLines(bad)).toThrow('events[1].data.ratio: expected a finite number, got NaN');
  });

  it('names the line of a bad event when reading', () => {
    expect(() => eventsFromJsonLines('{"time":0,"source":"a","kind":"b"}\n{"time":"x"}\n')).toThrow(
      /events\.jsonl:2: expected an event/,
    );
  });
});
