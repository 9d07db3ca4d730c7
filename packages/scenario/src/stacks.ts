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
} as const satisfies Record<string, PolicyStack>;

export type PolicyStackName = keyof typeof POLICY_STACKS;
