import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from './cli';
import { capture, SMALL, tmpDir } from './test-support';

// The queue's own behaviour, with a real Redis and worker processes, is tested in @hvsim/sweep (queue.test.ts);
// here, what the commands refuse before they reach a queue, and a queue that is not there.

/** A sweep of the CLI's small scenario over two memory sizes. */
function sweepFile(): string {
  const file = join(tmpDir('hvsim-queue-flags-'), 'sweep.yaml');
  writeFileSync(file, `name: s\nscenario: ${SMALL}\nmatrix: { host.memory: [6MiB, 8MiB] }\n`);
  return file;
}

/** Nothing listens on port 1 of the loopback address. */
const NOWHERE = 'redis://:secret@127.0.0.1:1/0';

describe('hvsim sweep --queue', () => {
  it.each([
    ['not a url', /--queue: "not a url" is not a URL; expected a Redis URL such as redis:\/\/host:6379\/0/],
    ['http://host:6379/0', /--queue: "http" is not redis or rediss/],
    ['redis://host:6379/0?tls=true', /--queue: it has more than a database number after the host/],
    ['redis://host:6379/zero', /--queue: the database is a number, not "zero"/],
  ])('refuses %s before reading the sweep', async (url, message) => {
    await expect(main(['sweep', 'missing.yaml', '--queue', url], capture())).rejects.toThrow(message);
  });

  it('refuses --jobs, which is each worker’s --concurrency', async () => {
    await expect(
      main(['sweep', 'missing.yaml', '--queue', 'redis://host/0', '--jobs', '2'], capture()),
    ).rejects.toThrow(/--jobs: runs are on the workers with --queue/);
  });

  it('says at once that the queue cannot be reached, without its password', async () => {
    const out = tmpDir('hvsim-queue-out-');
    const error = await main(['sweep', sweepFile(), '--queue', NOWHERE, '-o', out, '-q'], capture()).catch(
      (e: Error) => e,
    );
    expect(String(error)).toMatch(
      /--queue: cannot reach the queue at redis:\/\/:\*\*\*@127\.0\.0\.1:1\/0: .*ECONNREFUSED/,
    );
    expect(String(error)).not.toContain('secret');
  });
});

describe('hvsim worker', () => {
  it.each([
    [['--concurrency', '0'], /--concurrency: expected a whole number of threads from 1, got "0"/],
    [['--lock-duration', '1s'], /--lock-duration: expected whole milliseconds from 1, got "1s"/],
    [['--stalled-interval', '0'], /--stalled-interval: expected whole milliseconds from 1, got "0"/],
  ])('refuses %j', async (flags, message) => {
    await expect(main(['worker', '--queue', 'redis://host/0', ...flags], capture())).rejects.toThrow(message);
  });

  it('needs a queue, and takes no option it does not know', async () => {
    const io = capture();
    expect(await main(['worker'], io)).not.toBe(0);
    expect(io.stderr.join('')).toMatch(/required option '--queue <url>' not specified/);
    const unknown = capture();
    expect(await main(['worker', '--queue', 'redis://host/0', '--lockduration', '5'], unknown)).not.toBe(0);
    expect(unknown.stderr.join('')).toMatch(/unknown option '--lockduration'/);
  });

  it('says at once that the queue cannot be reached', async () => {
    await expect(main(['worker', '--queue', NOWHERE], capture())).rejects.toThrow(
      /--queue: cannot reach the queue at redis:\/\/:\*\*\*@127\.0\.0\.1:1\/0/,
    );
  });
});
