import { HvsimError, InvalidInputError } from '@hvsim/spec';
import { Redis } from 'ioredis';

/** Where a queue's Redis is and how to reach it: ioredis's options, which BullMQ takes as they are. */
export interface RedisTarget {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
  readonly tls?: Record<string, never>;
  readonly maxRetriesPerRequest: null;
}

/** The Redis of a queue, from its URL (`--queue`). */
export interface QueueConnection {
  /** Every connection of the coordinator and the workers is made from these. */
  readonly options: RedisTarget;
  /** The URL without its password, to name the queue in messages. */
  readonly shown: string;
}

const EXAMPLE = 'redis://host:6379/0, or rediss://:password@host:6380/0 for TLS';

/**
 * Reads a queue's URL: `redis://` or `rediss://` (TLS), an optional user and password, the host, the port
 * (default 6379) and the database number (default 0). Anything else in it is refused, not ignored.
 */
export function queueConnection(url: string): QueueConnection {
  const bad = (why: string) =>
    new InvalidInputError('--queue', `${why}; expected a Redis URL such as ${EXAMPLE}`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw bad(`${JSON.stringify(url)} is not a URL`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw bad(`${JSON.stringify(parsed.protocol.slice(0, -1))} is not redis or rediss`);
  }
  if (parsed.hostname === '') throw bad('it names no host');
  if (parsed.search !== '' || parsed.hash !== '')
    throw bad(`it has more than a database number after the host`);
  const db = parsed.pathname.replace(/^\//, '');
  if (!/^\d*$/.test(db)) throw bad(`the database is a number, not ${JSON.stringify(db)}`);
  const shown = new URL(url);
  if (shown.password !== '') shown.password = '***';
  return {
    options: {
      host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: parsed.port === '' ? 6379 : Number(parsed.port),
      db: db === '' ? 0 : Number(db),
      ...(parsed.username === '' ? {} : { username: decodeURIComponent(parsed.username) }),
      ...(parsed.password === '' ? {} : { password: decodeURIComponent(parsed.password) }),
      ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
      // BullMQ's workers block on Redis: a command waits through a lost connection instead of failing.
      maxRetriesPerRequest: null,
    },
    shown: shown.href,
  };
}

/**
 * Connects once and pings, failing at once with the reason (refused, wrong password, TLS): the long-lived
 * connections that follow retry for ever, so that a Redis restarting is waited for, and would hang silently on a
 * queue that was never there.
 */
export async function checkReachable(connection: QueueConnection): Promise<void> {
  const client = new Redis({
    ...connection.options,
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    connectTimeout: 10_000,
  });
  // A refused or failed connection is told by an 'error' event; connect() then only says it is closed.
  let cause: Error | undefined;
  client.on('error', (error: Error) => {
    cause = error;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new HvsimError(
      'unreachable-queue',
      `cannot reach the queue at ${connection.shown}: ${(cause ?? (error as Error)).message}`,
      '--queue',
    );
  } finally {
    client.disconnect();
  }
}
