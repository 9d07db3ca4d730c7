/**
 * The embedded scenario of `hvsim demo`: four VMs promised 1.5× the host's memory — a web server, an analytics
 * job that moves between working sets, a batch job whose heap outgrows its VM (so its guest swaps, and pages
 * the host already swapped are paged twice), and an idle Windows desktop that zeroed all its memory at boot.
 * As written, host paging (random victims, as ESX) is its only reclamation: the VMs run at full speed until
 * the host's memory is full; then random victims include hot pages, each refault waits on the disk, and
 * throughput collapses. `DEMO_RUNS` runs it so, then with the ESX stack.
 *
 * The busy VMs' working sets fit in the host once the desktop's idle, zeroed memory is reclaimed, so what the
 * ESX stack keeps is what its mechanisms reclaim, not memory that was never needed. An op is an access and
 * the work around it, 1 µs, so the two runs take about a second each.
 */
export const DEMO_SCENARIO = `
name: demo — four VMs overcommitted 1.5x, host paging only
seed: 2002
duration: 5s
host:
  memory: 256MiB
  swap: 512MiB
  metricInterval: 100ms
  costs: { access: 1000 }
vms:
  - name: web
    memory: 96MiB
    overhead: 4MiB
    guest: { kind: linux, bootTime: 200ms }
    workload: { kind: zipf, pages: 0.6, alpha: 0.9 }
  - name: analytics
    memory: 96MiB
    overhead: 4MiB
    guest: { kind: linux, bootTime: 200ms }
    workload:
      kind: phased
      phases:
        - { duration: 1s, pages: 0.2 }
        - { duration: 1s, offset: 0.2, pages: 0.4, distribution: zipf }
  - name: batch
    memory: 96MiB
    overhead: 4MiB
    guest: { kind: linux, bootTime: 200ms }
    workload: { kind: growing-heap, rate: 32MiB, max: 120MiB }
  - name: desktop
    memory: 96MiB
    overhead: 4MiB
    guest: { kind: windows, bootTime: 200ms }
    workload: idle
`;

/**
 * The demo's two runs of `DEMO_SCENARIO`, each the paths it sets: as written, then with the ESX stack —
 * the idle memory tax (on the sampling detector's estimates), ballooning, content-based sharing and host
 * paging. ESX's periods are minutes long (30 s samples, 15 s rebalancing, balloons moving 2% of a VM a
 * second); here they are scaled to a run of seconds.
 */
export const DEMO_RUNS = [
  { name: 'host-paging', label: 'host paging only', set: {} },
  {
    name: 'esx',
    label: 'ESX stack',
    set: {
      name: 'demo — the same four VMs with the ESX stack (idle memory tax, ballooning, sharing)',
      policies: {
        stack: 'esx',
        sharing: 'content-based',
        rebalance: '250ms',
        shareScan: '100ms',
        shareBudget: 3000,
      },
      'vms[*].detector': { kind: 'sampling', period: '250ms' },
      'vms[*].guest.balloon': { rate: 0.5 },
    },
  },
] as const;
