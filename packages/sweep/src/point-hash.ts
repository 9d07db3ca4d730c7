import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * A run's identity: the SHA-256 of its complete scenario (seed and scale included), the SHA-256 of each file it
 * names (by the path it names it by) and the simulator's version, as canonical JSON (RFC 8785: keys sorted,
 * numbers in one form), so the same run has the same hash whichever machine made it, and a run of another
 * version, of a changed scenario or of a changed trace never passes for it.
 */
export function runHash(
  scenario: Readonly<Record<string, unknown>>,
  version: string,
  files: readonly { readonly path: string; readonly sha256: string }[],
): string {
  const text = canonicalize({
    hvsim: version,
    scenario,
    files: Object.fromEntries(files.map((file) => [file.path, file.sha256])),
  });
  if (text === undefined) throw new Error('a scenario is always JSON');
  return createHash('sha256').update(text).digest('hex');
}
