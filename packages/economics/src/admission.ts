/** What admission control reserves for a VM, in pages. */
export interface AdmittedVm {
  readonly min: number;
  readonly max: number;
  /** Memory the hypervisor needs for it (frame buffer, pmap, shadow page tables). */
  readonly overhead: number;
}

export interface AdmissionLimits {
  /** Memory that VMs' minimums and overheads may reserve. */
  readonly memory: number;
  /** Swap that VMs' max − min may reserve. */
  readonly swap: number;
}

/** Why a VM may not power on: the reservation that does not fit, as numbers for the caller to word. */
export interface AdmissionRefusal {
  /** `memory`: the VMs' min + overhead exceeds the memory limit; `swap`: their max − min exceeds swap. */
  readonly limit: keyof AdmissionLimits;
  /** Pages the running VMs, the candidate among them, would reserve. */
  readonly needed: number;
  /** Pages the limit allows. */
  readonly available: number;
}

/**
 * ESX admission control (2002, §6): a VM powers on only if every running VM's min + overhead, with its own,
 * fits in memory, and every max − min fits in swap — so each can be paged down to its min. Returns what does
 * not fit, or undefined when the VM fits. Reservations are for admission only: allocations float above them.
 */
export function admissionRefusal(
  running: readonly AdmittedVm[],
  candidate: AdmittedVm,
  limits: AdmissionLimits,
): AdmissionRefusal | undefined {
  const all = [...running, candidate];
  const reserved = all.reduce((sum, vm) => sum + vm.min + vm.overhead, 0);
  const swappable = all.reduce((sum, vm) => sum + vm.max - vm.min, 0);
  if (reserved > limits.memory) return { limit: 'memory', needed: reserved, available: limits.memory };
  if (swappable > limits.swap) return { limit: 'swap', needed: swappable, available: limits.swap };
  return undefined;
}
