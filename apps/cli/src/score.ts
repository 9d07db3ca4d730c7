/**
 * The embedded scenario of `hvsim score`: a VM whose working set steps up and down every minute (a toucher
 * over 16–224 MiB of a 256 MiB VM), watched at once by the oracle and by every other detector.
 */
export const SCORE_SCENARIO = `
name: detectors scored against the oracle
seed: 4
duration: 6min
host: { memory: 512MiB, swap: 512MiB, metricInterval: 1s }
vms:
  - name: steps
    memory: 256MiB
    guest: { kind: linux, bootTime: 1s }
    workload:
      kind: toucher
      period: 1s
      schedule:
        - { at: 0s, touch: 32MiB }
        - { at: 60s, touch: 160MiB }
        - { at: 120s, touch: 64MiB }
        - { at: 180s, touch: 224MiB }
        - { at: 240s, touch: 16MiB }
        - { at: 300s, touch: 128MiB }
    observers: [oracle, sampling, lru-statistics, access-bits, damon]
`;
