import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A redis-server of a test's own, on a free loopback port, its data in a temporary folder. */
export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>/<db>`: a test takes a database of its own. */
  url(db?: number): string;
  /** Stops the server (SIGTERM: with `appendonly`, what it holds is on disk). */
  stop(): Promise<void>;
  /** Starts it again, on the same port and folder. */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  dispose(): Promise<void>;
}

/** Starts `redis-server` (installed by .ci/run) bound to 127.0.0.1 alone, and waits until it answers PING. */
export async function startRedis(options: { readonly appendonly?: boolean } = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'hvsim-redis-'));
  const args = ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--save', ''];
  if (options.appendonly) args.push('--appendonly', 'yes');
  let server: ChildProcess | undefined;
  const start = async () => {
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    server = child;
    const exited = once(child, 'exit');
    const error = once(child, 'error');
    for (let i = 0; i < 200; i++) {
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
      if (await answersPing(port)) return;
      await Promise.race([sleep(25), exited, error.then(([e]) => Promise.reject(e))]);
    }
    throw new Error(`redis-server did not answer on port ${port} within 5 s`);
  };
  const stop = async () => {
    const child = server;
    server = undefined;
    if (child === undefined || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  };
  await start();
  return {
    port,
    url: (db = 0) => `redis://127.0.0.1:${port}/${db}`,
    stop,
    start,
    dispose: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A port nothing listens on now, from the system's free ones. */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** Whether a server on the port answers PING with PONG (RESP: `+PONG`). */
async function answersPing(port: number): Promise<boolean> {
  const socket = new Socket();
  try {
    socket.connect(port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write('PING\r\n');
    const [data] = (await once(socket, 'data')) as [Buffer];
    return data.toString().startsWith('+PONG');
  } catch {
    return false;
  } finally {
    socket.destroy();
  }
}
