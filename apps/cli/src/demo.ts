/**
 * The embedded default scenario of `hvsim demo`: four VMs promised 1.5× the host's memory, with host paging
 * (random victims, as ESX) as the only reclamation — a web server, a database, a batch job whose heap
 * grows, and an idle Windows desktop that zeroed all its memory at boot.
 */
export const DEMO_SCENARIO = `
name: demo — four VMs overcommitted 1.5x, host paging only
seed: 2002
duration: 5s
host:
  memory: 256MiB
  swap: 512MiB
  metricInterval: 100ms
vms:
  - name: web
    memory: 96MiB
    overhead: 4MiB
    guest: { kind: linux, bootTime: 200ms }
    workload: { kind: zipf, pages: 0.9, alpha: 0.9 }
  - name: db
    memory: 96MiB
    overhead: 4MiB
    guest: { kind: linux, bootTime: 200ms }
    workload: { kind: buffer-pool, pages: 0.6 }
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
