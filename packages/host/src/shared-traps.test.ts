import { createMachine } from '@hvsim/machine';
import type { VmId } from '@hvsim/spec';
import { describe, expect, it } from 'vitest';
import { SharedTraps } from './shared-traps';

function setup(vms: number) {
  const machine = createMachine({ frames: 64 * vms + 16 });
  const ids = Array.from({ length: vms }, () => machine.addVm({ pages: 32 }));
  return { machine, ids, shared: new SharedTraps(machine.traps) };
}

describe('shared trap channels', () => {
  it('give the VMs of one name one machine channel, and call the handler of the VM accessed', () => {
    const { machine, ids, shared } = setup(8);
    const fired: [VmId, number][] = [];
    const channels = ids.map((vm) => {
      const traps = shared.forVm(vm, 32);
      const channel = traps.register('sampling', (v, ppn) => fired.push([v, ppn]));
      traps.arm(channel, vm, 5);
      return channel;
    });
    expect(new Set(channels).size).toBe(1);
    machine.read(ids[3]!, 5);
    machine.read(ids[6]!, 5);
    machine.read(ids[6]!, 5); // one-shot: fires once
    expect(fired).toEqual([
      [ids[3], 5],
      [ids[6], 5],
    ]);
  });

  it('keep names and modes apart, and free the machine channel with its last user', () => {
    const { machine, ids, shared } = setup(2);
    const a = shared.forVm(ids[0]!, 32);
    const b = shared.forVm(ids[1]!, 32);
    const sampling = a.register('sampling', () => {});
    expect(a.register('cold', () => {}, 'write')).not.toBe(sampling);
    const other = b.register('sampling', () => {});
    b.arm(other, ids[1]!, 7);
    a.arm(sampling, ids[0]!, 7);
    a.unregister(sampling);
    // VM 0's trap is gone; VM 1's channel and trap remain.
    expect(machine.traps.isArmed(sampling, ids[0]!, 7)).toBe(false);
    expect(b.isArmed(other, ids[1]!, 7)).toBe(true);
    b.unregister(other);
    expect(() => machine.traps.isArmed(other, ids[1]!, 7)).toThrow(/registered trap channel/);
  });

  it('refuse an observer arming another VM, a channel it did not register, or registering twice', () => {
    const { ids, shared } = setup(2);
    const a = shared.forVm(ids[0]!, 32);
    const channel = a.register('sampling', () => {});
    expect(() => a.arm(channel, ids[1]!, 0)).toThrow(/may not arm traps on vm 1/);
    expect(() => shared.forVm(ids[1]!, 32).arm(channel, ids[1]!, 0)).toThrow(/has not registered/);
    expect(() => a.register('sampling', () => {})).toThrow(/already registered sampling/);
  });
});
