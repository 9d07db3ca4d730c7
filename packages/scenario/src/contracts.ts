/** The contracts a scenario can name, by the key a scenario file uses for them. */
export const SCENARIO_CONTRACTS = {
  guest: 'guest-os@1',
  workload: 'workload@1',
  detector: 'detector@1',
  allocation: 'allocation-policy@1',
  reclamation: 'reclamation-policy@1',
  mechanism: 'reclamation-mechanism@1',
  sharing: 'sharing-engine@1',
} as const;
