import { HvsimError, MAX_SCALE, type SimEvent, scalePages } from '@hvsim/spec';
import type { HostConfig } from './host-config';
import { DEFAULT_PERIODS } from './policies';

/** The scale a configuration asks for, checked: a whole number from 1 (full size) to MAX_SCALE. */
export function scaleOfConfig(config: HostConfig): number {
  const scale = config.scale ?? 1;
  if (!(Number.isInteger(scale) && scale >= 1 && scale <= MAX_SCALE)) {
    throw new HvsimError(
      'invalid-scale',
      `expected a whole number from 1 to ${MAX_SCALE}, got ${scale}`,
      'scale',
    );
  }
  return scale;
}

/**
 * The host a miniature at `scale` simulates: host memory, reserve, swap, every VM's memory, minimum and
 * overhead divided by the scale, and the sharing engine's scan budget too (a rate in pages). Policies,
 * guests and workloads scale their own options (they are given the scale); the machine scales its costs.
 */
export function miniatureConfig(config: HostConfig, scale: number): HostConfig {
  if (scale === 1) return config;
  // Each field given, divided; one left out stays out, so its default applies to the miniature.
  const pages = <K extends string>(key: K, n: number | undefined) =>
    (n === undefined ? {} : { [key]: scalePages(n, scale) }) as Partial<Record<K, number>>;
  return {
    ...config,
    frames: Math.max(2, scalePages(config.frames, scale)),
    ...pages('reservedFrames', config.reservedFrames),
    ...pages('swapPages', config.swapPages),
    vms: config.vms.map((vm) => ({
      ...vm,
      pages: scalePages(vm.pages, scale),
      ...pages('min', vm.min),
      ...pages('overheadPages', vm.overheadPages),
    })),
    periods: {
      ...config.periods,
      shareBudget: (config.periods?.shareBudget ?? DEFAULT_PERIODS.shareBudget) / scale,
    },
  };
}

/** A machine event of a miniature as the full host's: `vm-added`'s pages and overhead times the scale. */
export function fullSizeVmEvent(event: SimEvent, scale: number): SimEvent {
  if (event.kind !== 'vm-added' || event.data === undefined) return event;
  const { pages, overhead } = event.data;
  return {
    ...event,
    data: {
      ...event.data,
      ...(typeof pages === 'number' ? { pages: pages * scale } : {}),
      ...(typeof overhead === 'number' ? { overhead: overhead * scale } : {}),
    },
  };
}
