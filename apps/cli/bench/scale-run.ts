/**
 * One timed run of a scenario file, in a process of its own so its peak resident memory is its own:
 * `scale-run.ts <scenario> <scale> <duration>` prints { simulatedSeconds, wallSeconds, ops, peakRssBytes }.
 */
import { createHost } from '@hvsim/host';
import { loadScenario } from '@hvsim/scenario';
import { parseDuration } from '@hvsim/spec';

const [path, scale, duration] = process.argv.slice(2);
if (path === undefined || scale === undefined || duration === undefined) {
  throw new Error('usage: scale-run.ts <scenario> <scale> <duration>');
}
const loaded = await loadScenario(path);
const host = createHost({ ...loaded.host, scale: Number(scale) });
const until = parseDuration(duration, 'duration');
const started = performance.now();
host.run(until);
const wallSeconds = (performance.now() - started) / 1000;
process.stdout.write(
  `${JSON.stringify({
    simulatedSeconds: until / 1e9,
    wallSeconds,
    ops: host.stats().ops,
    // resourceUsage reports kilobytes: the peak over the process's life, building the host included.
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  })}\n`,
);
