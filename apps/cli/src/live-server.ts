import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HvsimError } from '@hvsim/spec';

/** What a live page's event stream carries: the report as it stands (`reportMain`) and how far the run is. */
export interface LiveUpdate {
  /** Fraction of the run done, 0 to 1. */
  readonly progress: number;
  /** A line saying where the run is. */
  readonly state: string;
  readonly main: string;
  readonly charts: unknown;
}

/** The path of the page's event stream. */
export const EVENTS_PATH = '/events';

const event = (name: string, data: unknown): string => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * Serves a running simulation's report on 127.0.0.1 alone: the page at `/`, as the run stands when it is
 * asked for, and at `/events` a stream of server-sent events, an `update` as the run goes on (the latest at
 * once to a page that connects late) and an `end` when it stops.
 */
export class LiveServer {
  readonly #server;
  readonly #streams = new Set<ServerResponse>();
  #latest: LiveUpdate | undefined;

  private constructor(page: () => string) {
    this.#server = createServer((request, response) => this.#serve(request, response, page));
  }

  /** Listens on 127.0.0.1 at `port` (0: any free port); a port in use is a user's error. */
  static async start(port: number, page: () => string): Promise<LiveServer> {
    const live = new LiveServer(page);
    await new Promise<void>((resolve, reject) => {
      live.#server.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          error.code === 'EADDRINUSE' || error.code === 'EACCES'
            ? new HvsimError(
                'live-port',
                `cannot listen on 127.0.0.1:${port} (${error.code}); pick another --port, or 0 for any`,
                '--port',
              )
            : error,
        ),
      );
      live.#server.listen(port, '127.0.0.1', resolve);
    });
    return live;
  }

  /** The page's address. */
  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/`;
  }

  update(update: LiveUpdate): void {
    this.#latest = update;
    const text = event('update', update);
    for (const stream of this.#streams) stream.write(text);
  }

  /**
   * Tells every page the run has stopped, with a last line, and closes the server once the pages have let
   * go of their streams (or after `grace` ms): a stream cut first would have a page try to reconnect.
   */
  async end(state: string, grace = 2000): Promise<void> {
    const text = event('end', { state });
    const closed = [...this.#streams].map(
      (stream) => new Promise<void>((resolve) => stream.once('close', () => resolve()).write(text)),
    );
    const timer = new Promise<void>((resolve) => setTimeout(resolve, grace).unref());
    await Promise.race([Promise.all(closed), timer]);
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  #serve(request: IncomingMessage, response: ServerResponse, page: () => string): void {
    if (request.method !== 'GET') {
      response.writeHead(405, { allow: 'GET' }).end();
      return;
    }
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      response.end(page());
    } else if (path === EVENTS_PATH) {
      response.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      // A page that loses its stream would reconnect after this many milliseconds; none is lost here.
      response.write('retry: 1000\n\n');
      if (this.#latest !== undefined) response.write(event('update', this.#latest));
      this.#streams.add(response);
      request.on('close', () => this.#streams.delete(response));
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  }
}
