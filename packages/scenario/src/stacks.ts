/** A policy slot filled by name, as a scenario's `kind: …` is once parsed. */
interface NamedUse {
  readonly kind: string;
  readonly options: Record<string, unknown>;
}

export interface PolicyStack {
  readonly description: string;
  readonly allocation?: NamedUse;
  readonly reclamation?: NamedUse;
  readonly mechanisms: readonly NamedUse[];
}

const named = (kind: string): NamedUse => ({ kind, options: {} });

/**
 * Ready-made sets of policies a scenario picks with `policies: { stack: … }`; any slot it also names
 * replaces the stack's (the mechanisms as a whole).
 */
export const POLICY_STACKS = {
  none: {
    description:
      'host paging only: no allocation policy and no reclamation plan; the host pages out (randomly) when its memory runs out',
    mechanisms: [],
  },
  esx: {
    description:
      'VMware ESX 2002: idle-tax allocation (tau 0.75), the free-memory states, ballooning and random host paging',
    allocation: named('idle-tax'),
    reclamation: named('esx'),
    mechanisms: [named('balloon'), named('host-swap')],
  },
  cmm1: {
    description:
      'z/VM CMM1: the VM Resource Manager’s SHRINK requests to guests’ cmm modules (guest option cmm.installed), and z/VM’s own paging below its low watermark',
    reclamation: named('vmrm'),
    mechanisms: [named('cmm1'), named('host-swap')],
  },
  meb: {
    description:
      "MEB (Zhao and Wang 2009): targets from each VM's miss-ratio curve (give VMs the lru-statistics detector for curves), reached by ballooning, then host paging",
    allocation: named('meb'),
    reclamation: named('to-target'),
    mechanisms: [named('balloon'), named('host-swap')],
  },
} as const satisfies Record<string, PolicyStack>;

export type PolicyStackName = keyof typeof POLICY_STACKS;
