import { describe, expect, it } from 'vitest';
import { problems } from './issues.fixture';
import { parseScenario } from './load';

/** Three 22 GiB desktops on a 64 GiB host with 64 GiB of swap: the third's max − min does not fit in swap. */
const desktops = (extra = '', rest = '') => `
duration: 10s
host: { memory: 64GiB, swap: 64GiB }
vms:
  - { name: web, memory: 1GiB, workload: { kind: zipf, pages: -1 } }
  - { name: desktop, count: 3, memory: 22GiB, workload: idle${extra} }
${rest}`;

const SWAP_REASON =
  'desktop3 cannot power on at 0 s: backing the memory the VMs running with it may give up (max − min) would need 67 GiB of host swap; the host has 64 GiB';

describe('admission, decided before the run', () => {
  it('names a VM that would be refused at its entry, with every other problem', async () => {
    const found = await problems(desktops());
    expect(found.map((p) => p.path)).toEqual(['vms[0].workload.pages', 'vms[1]']);
    expect(found[1]!.message).toBe(`${SWAP_REASON} (if that is the point, set expectRefusal: true)`);
  });

  it('accepts a refusal the scenario expects, and reports it', async () => {
    const text = desktops(', expectRefusal: true').replace('pages: -1', 'pages: 0.5');
    const loaded = await parseScenario(text, 'x.yaml');
    expect(loaded.expectedRefusals).toEqual([{ path: 'vms[1]', message: SWAP_REASON }]);
  });

  it('names the memory the guaranteed VMs would need, and only refusals within the run', async () => {
    const text = `
duration: 1min
host: { memory: 1GiB, reserved: 100MiB, swap: 1GiB }
vms:
  - { name: db, memory: 512MiB, min: 512MiB, workload: idle }
  - { name: batch, memory: 512MiB, min: 500MiB, workload: idle, powerOn: 30s }
  - { name: nightly, memory: 512MiB, min: 500MiB, workload: idle, powerOn: 2min }
`;
    expect(await problems(text)).toEqual([
      {
        path: 'vms[1]',
        message:
          'batch cannot power on at 30 s: the guaranteed memory (min) and overhead of the VMs running with it would need 1012 MiB; the host has 924.0 MiB after its reserve (if that is the point, set expectRefusal: true)',
      },
    ]);
    // Once db powers off at 30 s, batch fits.
    const fits = await parseScenario(text.replace('min: 512MiB,', 'min: 512MiB, powerOff: 30s,'), 'x');
    expect(fits.expectedRefusals).toEqual([]);
  });

  it('refuses a mark no refusal bears out', async () => {
    expect(
      await problems(
        desktops(', expectRefusal: true').replace('count: 3', 'count: 2').replace('pages: -1', 'pages: 0.5'),
      ),
    ).toEqual([
      {
        path: 'vms[1].expectRefusal',
        message:
          'expected a refusal, but admission control does not refuse any copy of desktop within the run; remove expectRefusal',
      },
    ]);
  });
});
