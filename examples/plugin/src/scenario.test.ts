import { resolve } from 'node:path';
import { createHost } from '@hvsim/host';
import { loadScenario } from '@hvsim/scenario';
import { parsePages } from '@hvsim/spec';
import { expect, it } from 'vitest';

// The scenario beside this package, loaded as `hvsim run` loads it: its plugin imported from the file.
it('runs the example scenario: targets follow the shares, never below a min, and the low-share VM pays', async () => {
  const loaded = await loadScenario(resolve(import.meta.dirname, '../scenario.yaml'));
  const host = createHost(loaded.host);
  host.run(loaded.duration);

  const stats = host.stats();
  expect(stats.vms.map((vm) => [vm.name, vm.poweredOn])).toEqual([
    ['web1', true],
    ['web2', true],
    ['batch', true],
  ]);
  for (const vm of stats.vms) expect(vm.ops, vm.name).toBeGreaterThan(0);

  const last = (vm: string, name: string) =>
    host
      .metrics()
      .series.find((s) => s.vm === vm && s.name === name)!
      .values.at(-1)!;
  const [web1, web2, batch] = ['web1', 'web2', 'batch'].map((vm) => last(vm, 'target'));
  // high shares are 20 per MiB, low 5: four times the target, each web VM at least its 16 MiB minimum.
  expect(web1).toBe(web2);
  expect(web1! / batch!).toBeCloseTo(4, 2);
  expect(web1).toBeGreaterThanOrEqual(parsePages('16MiB'));
  expect(web1! + web2! + batch!).toBeLessThanOrEqual(host.machine.totalFrames);
  // The batch job gets a fraction of its hot set, so the host pages it, and not the web servers, out.
  expect(last('batch', 'swapped')).toBeGreaterThan(last('web1', 'swapped') + last('web2', 'swapped'));
}, 30_000);
