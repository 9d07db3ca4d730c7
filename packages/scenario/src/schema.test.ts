import { describe, expect, it } from 'vitest';
import { problems } from './issues.fixture';

const vm = (extra = '') => `{ name: a, memory: 4MiB, workload: idle${extra} }`;
const scenario = ({ top = '', host = '', vms = [vm()], policies = '' } = {}) =>
  `${top}\nhost: { memory: 64MiB, swap: 64MiB${host} }\nvms: [${vms.join(', ')}]\n${policies ? `policies: { ${policies} }` : ''}`;

describe('scenario bounds, checked before any run', () => {
  it('a VM has at least one page of memory, the host at least two', async () => {
    expect(await problems(scenario({ vms: [vm().replace('4MiB', '0')] }))).toEqual([
      { path: 'vms[0].memory', message: 'expected at least one page, got 0' },
    ]);
    expect(await problems(scenario({ vms: [vm().replace('4MiB', '0MiB')] }))).toEqual([
      { path: 'vms[0].memory', message: 'expected at least one page, got 0' },
    ]);
    expect(await problems(scenario().replace('memory: 64MiB', 'memory: 4KiB'))).toEqual([
      { path: 'host.memory', message: 'expected at least 2 pages (one holds the zero page), got 1' },
    ]);
  });

  it('the run lasts longer than 0, and every period long enough to finish', async () => {
    const found = await problems(
      scenario({
        top: 'duration: 0s',
        host: ', quantum: 0ms, metricInterval: 0',
        policies: 'rebalance: 0s, shareScan: 0s',
      }),
    );
    const units = '(a bare number is nanoseconds; write units, such as "10ms"), got 0 s';
    expect(found).toEqual([
      { path: 'duration', message: 'expected a duration above 0' },
      { path: 'host.quantum', message: `expected at least 1 µs ${units}` },
      { path: 'host.metricInterval', message: `expected at least 1 ms ${units}` },
      { path: 'policies.rebalance', message: `expected at least 1 ms ${units}` },
      { path: 'policies.shareScan', message: `expected at least 1 ms ${units}` },
    ]);
  });

  it('a period given as a bare number of nanoseconds is refused when it is too short to finish', async () => {
    // Found by fuzzing: `metricInterval: 1` (1 ns) validated, and the run never ended.
    expect(await problems(scenario({ host: ', metricInterval: 1' }))).toEqual([
      {
        path: 'host.metricInterval',
        message: `expected at least 1 ms (a bare number is nanoseconds; write units, such as "10ms"), got 1 ns`,
      },
    ]);
  });

  it('a detector’s or a policy’s period is refused below 1 ms, naming it', async () => {
    // Found by fuzzing: an access-bits `interval: 0.25` (0.25 ns) validated, and its scans never let the run end.
    const units = '(a bare number is nanoseconds; write units, such as "10ms"), got';
    const detector = (options: string) => vm(`, detector: { ${options} }`);
    expect(
      await problems(
        scenario({
          vms: [
            detector('kind: access-bits, interval: 0.25'),
            detector('kind: sampling, period: 500us'),
            detector('kind: damon, samplingInterval: 1ms, aggregationInterval: 0'),
          ],
          policies: 'reclamation: { kind: vmrm, interval: 100us }',
        }),
      ),
    ).toEqual([
      { path: 'vms[0].detector.interval', message: `expected at least 1 ms ${units} 0.25 ns` },
      { path: 'vms[1].detector.period', message: `expected at least 1 ms ${units} 500 µs` },
      { path: 'vms[2].detector.aggregationInterval', message: `expected at least 1 ms ${units} 0 s` },
      { path: 'policies.reclamation.interval', message: `expected at least 1 ms ${units} 100 µs` },
    ]);
  });

  it('a run keeps at most a million metric samples a series', async () => {
    expect(await problems(scenario({ top: 'duration: 2h', host: ', metricInterval: 1ms' }))).toEqual([
      {
        path: 'host.metricInterval',
        message:
          '1 ms over a run of 2 h is 7,200,000 samples a series; expected at most 1,000,000 (an interval of at least 7.2 ms)',
      },
    ]);
  });

  it('an access costs at least 1 ns, or the run would never end', async () => {
    // Found by fuzzing: `costs: { access: 0 }` validated, and a VM whose accesses hit never left its quantum.
    expect(await problems(scenario({ host: ', costs: { access: 0, zeroFill: 0 }' }))).toEqual([
      {
        path: 'host.costs.access',
        message: "expected at least 1 ns: an access that takes no time would never move the VM's clock",
      },
    ]);
  });

  it("a VM's min is within its memory, and it powers off after it powers on", async () => {
    expect(
      await problems(
        scenario({ vms: [vm(', min: 8MiB'), vm(', powerOn: 10s, powerOff: 5s').replace('a,', 'b,')] }),
      ),
    ).toEqual([
      { path: 'vms[0].min', message: "expected at most the VM's memory (4 MiB), got 8 MiB" },
      { path: 'vms[1].powerOff', message: 'expected a time after powerOn (10 s), got 5 s' },
    ]);
    expect(await problems(scenario({ vms: [vm(', powerOff: 0s')] }))).toEqual([
      { path: 'vms[0].powerOff', message: 'expected a time after powerOn (0 s), got 0 s' },
    ]);
  });

  it('the hypervisor reserves less than the host has, leaving the zero page and a frame', async () => {
    expect(await problems(scenario({ host: ', reserved: 64MiB' }))).toEqual([
      {
        path: 'host.reserved',
        message: 'expected at most host memory less 2 pages (16382 pages), got 16384 pages',
      },
    ]);
  });
});
