import { linuxGuest } from '@hvsim/guest';
import { parsePages } from '@hvsim/spec';
import { zipf } from '@hvsim/workloads';
import type { VmConfig } from './host-config';

/** A 4 MiB Linux VM booting in `bootTime`, running Zipf over 80% of its memory; `extra` overrides any of it. */
export const zipfVm = (name: string, bootTime: string, extra: Partial<VmConfig> = {}): VmConfig => ({
  name,
  pages: parsePages('4MiB'),
  guest: { definition: linuxGuest, options: { bootTime } },
  workload: { definition: zipf, options: { pages: 0.8 } },
  ...extra,
});
