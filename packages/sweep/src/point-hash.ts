import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * A run's identity: the SHA-256 of its complete scenario (seed and scale included) and the simulator's version,
 * as canonical JSON (RFC 8785: keys sorted, numbers in one form), so the same run has the same hash whichever
 * machine made it, and a run of another version or of a changed scenario never passes for it.
 */
export function runHash(scenario: Readonly<Record<string, unknown>>, version: string): string {
  const text = canonicalize({ hvsim: version, scenario });
  if (text === undefined) throw new Error('a scenario is always JSON');
  return createHash('sha256').update(text).digest('hex');
}
