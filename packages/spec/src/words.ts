/** `1 VM`, `3 VMs`, `0 events`: a count with its noun in the number it takes (`many` for irregular plurals). */
export const countOf = (count: number, one: string, many = `${one}s`): string =>
  `${count} ${count === 1 ? one : many}`;
