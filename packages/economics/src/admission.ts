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

/**
 * ESX admission control (2002, §6): a VM powers on only if every running VM's min + overhead, with its own,
 * fits in memory, and every max − min fits in swap — so each can be paged down to its min. Returns why not,
 * or undefined when the VM fits. Reservations are for admission only: allocations float above them.
 */
export function admissionRefusal(
  running: readonly AdmittedVm[],
  candidate: AdmittedVm,
  limits: AdmissionLimits,
): string | undefined {
  const all = [...running, candidate];
  const reserved = all.reduce((sum, vm) => sum + vm.min + vm.overhead, 0);
  const swappable = all.reduce((sum, vm) => sum + vm.max - vm.min, 0);
  if (reserved > limits.memory) {
    return `min + overhead of the running VMs would be ${reserved} pages, memory is ${limits.memory}`;
  }
  if (swappable > limits.swap) {
    return `max − min of the running VMs would be ${swappable} pages, swap is ${limits.swap}`;
  }
  return undefined;
}
