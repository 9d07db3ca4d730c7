import { describe, expect, test } from 'vitest';
import {
  blankSummary,
  defaultMetrics,
  MetricError,
  metricValue,
  type RunSummary,
  summaryMetrics,
} from './summary-metrics';

const summary: RunSummary = {
  ...blankSummary(['web', 'db']),
  ops: 30,
  hostFreeMiB: 12.5,
  vms: [
    { ...blankSummary(['web']).vms[0]!, throughput: 100, swappedMiB: 3 },
    { ...blankSummary(['db']).vms[0]!, throughput: 50, swappedMiB: 1, poweredOn: false },
  ],
};

describe("metrics from a run's summary", () => {
  test('read a figure, a VM by name, and every VM reduced', () => {
    expect(metricValue(summary, 'm', 'hostFreeMiB')).toBe(12.5);
    expect(metricValue(summary, 'm', 'vms[db].throughput')).toBe(50);
    expect(metricValue(summary, 'm', 'vms[*].throughput | sum')).toBe(150);
    expect(metricValue(summary, 'm', 'vms[*].throughput|mean')).toBe(75);
    expect(metricValue(summary, 'm', 'vms[*].swappedMiB | max')).toBe(3);
    expect(metricValue(summary, 'm', 'vms[*].swappedMiB | min')).toBe(1);
    expect(metricValue(summary, 'm', 'vms[*].poweredOn | sum')).toBe(1);
    expect(metricValue(summary, 'm', 'vms[*] | count')).toBe(2);
  });

  test.each([
    ['vms[*].throughput', 'is 2 values; expected one, or a reducer such as "| sum"'],
    ['vms[*].throughput | total', 'expected a reducer of sum, mean, min, max, count, got "total"'],
    [
      'vms[web].thruput',
      "expected vms[web].thruput to be a number of the run's summary, got nothing (no such field)",
    ],
    ['vms[mail].ops', 'vms has no item named "mail" (names: web, db)'],
    ['scenario', 'got ""'],
    ['ops | sum | max', 'at most one "| reducer"'],
  ])('refuse %j, naming the metric', (expression, message) => {
    const run = () => metricValue(summary, 'speed', expression);
    expect(run).toThrow(MetricError);
    expect(run).toThrow(message);
    expect(run).toThrow(/^metrics\.speed: /);
  });

  test("default to every figure, the host's then each VM's", () => {
    const metrics = defaultMetrics(['web']);
    expect(Object.keys(metrics)).toEqual([
      'ops',
      'hostFreeMiB',
      'hostSwapUsedMiB',
      'events',
      'web.ops',
      'web.throughput',
      'web.allocatedMiB',
      'web.swappedMiB',
      'web.sharedMiB',
      'web.doublePaging',
    ]);
    expect(summaryMetrics(summary, metrics, false)['web.throughput']).toBe(100);
  });

  test('leniently, a default metric of a VM the run lacks is NaN; strictly, an error', () => {
    const metrics = defaultMetrics(['mail']);
    expect(summaryMetrics(summary, metrics, true)['mail.ops']).toBeNaN();
    expect(() => summaryMetrics(summary, metrics, false)).toThrow(MetricError);
  });
});
