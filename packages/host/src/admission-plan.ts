import { type AdmissionLimits, type AdmissionRefusal, admissionRefusal } from '@hvsim/economics';
import { formatBytes, formatTime, HvsimError, type Pages, pagesToBytes, type SimTime } from '@hvsim/spec';
import type { HostConfig } from './host-config';

/** What admission needs of a host configuration: its memory, swap and each VM's reservation and schedule. */
export type AdmissionConfig = Pick<HostConfig, 'frames' | 'reservedFrames' | 'swapPages'> & {
  readonly vms: readonly Pick<
    HostConfig['vms'][number],
    'name' | 'pages' | 'min' | 'overheadPages' | 'powerOn' | 'powerOff'
  >[];
};

/** One step of the power schedule: VM `vm` (its index in the configuration) powers on, off, or is refused. */
export type PowerStep =
  | { readonly time: SimTime; readonly vm: number; readonly action: 'power-on' }
  | { readonly time: SimTime; readonly vm: number; readonly action: 'power-off' }
  | {
      readonly time: SimTime;
      readonly vm: number;
      readonly action: 'refuse';
      readonly refusal: AdmissionRefusal;
      /** Why, in words and sizes a user reads ("… would need 70 GiB; the host has 63.9 GiB …"). */
      readonly reason: string;
    };

/** What VMs may reserve: memory less the hypervisor's reserve and the zero page; swap. */
export const admissionLimits = (config: AdmissionConfig): AdmissionLimits => ({
  memory: config.frames - (config.reservedFrames ?? 0) - 1,
  swap: config.swapPages ?? 0,
});

/**
 * The host's power schedule with admission decided, from the configuration alone: each VM powers on at its
 * `powerOn` (default 0) and off at its `powerOff`. At one time, VMs power off first (their reservations are
 * free for the VMs powering on then), then power on in the order they are configured, each admitted against
 * the VMs running at that moment. The host follows these steps as they fall due, so a refusal is known
 * before the run.
 */
export function admissionPlan(config: AdmissionConfig): readonly PowerStep[] {
  const limits = admissionLimits(config);
  const moments = config.vms.flatMap((vm, i) => {
    const on = vm.powerOn ?? 0;
    if (vm.powerOff !== undefined && !(vm.powerOff > on)) {
      throw new HvsimError(
        'invalid-schedule',
        `expected a time after powerOn (${formatTime(on)}), got ${formatTime(vm.powerOff)}`,
        `vms[${i}].powerOff`,
      );
    }
    return [
      { time: on, vm: i, on: true },
      ...(vm.powerOff === undefined ? [] : [{ time: vm.powerOff, vm: i, on: false }]),
    ];
  });
  moments.sort((a, b) => a.time - b.time || Number(a.on) - Number(b.on) || a.vm - b.vm);
  const running = new Map<number, { min: Pages; max: Pages; overhead: Pages }>();
  const steps: PowerStep[] = [];
  for (const { time, vm: i, on } of moments) {
    const vm = config.vms[i]!;
    if (!on) {
      if (running.delete(i)) steps.push({ time, vm: i, action: 'power-off' });
      continue;
    }
    const reservation = { min: vm.min ?? 0, max: vm.pages, overhead: vm.overheadPages ?? 0 };
    const refusal = admissionRefusal([...running.values()], reservation, limits);
    if (refusal) {
      steps.push({ time, vm: i, action: 'refuse', refusal, reason: refusalReason(refusal) });
    } else {
      running.set(i, reservation);
      steps.push({ time, vm: i, action: 'power-on' });
    }
  }
  return steps;
}

/** "70 GiB" and "63.9 GiB", with pages as well when rounding would hide the difference ("1 GiB", "1.00 GiB"). */
const sizes = (needed: Pages, available: Pages): [string, string] => {
  const [a, b] = [formatBytes(pagesToBytes(needed)), formatBytes(pagesToBytes(available))];
  const [[na, ua], [nb, ub]] = [a.split(' '), b.split(' ')];
  return ua === ub && Number(na) === Number(nb)
    ? [`${a} (${needed} pages)`, `${b} (${available} pages)`]
    : [a, b];
};

/** A refusal in words: what the VMs running with the candidate would reserve, and what the host has. */
function refusalReason(refusal: AdmissionRefusal): string {
  const [needed, available] = sizes(refusal.needed, Math.max(0, refusal.available));
  if (refusal.limit === 'memory') {
    return `the guaranteed memory (min) and overhead of the VMs running with it would need ${needed}; the host has ${available} after its reserve`;
  }
  const has = refusal.available === 0 ? 'the host has no swap' : `the host has ${available}`;
  return `backing the memory the VMs running with it may give up (max − min) would need ${needed} of host swap; ${has}`;
}
