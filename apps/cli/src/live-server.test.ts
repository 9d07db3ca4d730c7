import { get, request } from 'node:http';
import { HvsimError } from '@hvsim/spec';
import { afterEach, describe, expect, test } from 'vitest';
import { main } from './cli';
import { LiveServer } from './live-server';
import { capture, SMALL } from './test-support';

const servers: LiveServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.end('done', 10)));
});

async function started(page = () => '<p>page</p>'): Promise<LiveServer> {
  const server = await LiveServer.start(0, page);
  servers.push(server);
  return server;
}

/** A GET's status, headers and body. */
const fetchText = (url: string) =>
  fetch(url).then(async (response) => ({
    status: response.status,
    type: response.headers.get('content-type'),
    body: await response.text(),
  }));

/** The first `count` server-sent events of a stream, each as its name and data. */
function events(url: string, count: number): Promise<{ event: string; data: unknown }[]> {
  return new Promise((resolve, reject) => {
    const found: { event: string; data: unknown }[] = [];
    get(url, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        for (let end = text.indexOf('\n\n'); end !== -1; end = text.indexOf('\n\n')) {
          const block = text.slice(0, end);
          text = text.slice(end + 2);
          const name = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (name !== undefined && data !== undefined) found.push({ event: name, data: JSON.parse(data) });
          if (found.length === count) {
            response.destroy();
            resolve(found);
          }
        }
      });
    }).on('error', reject);
  });
}

describe('the live server', () => {
  test('listens on 127.0.0.1 alone and serves the page as it stands when asked', async () => {
    let version = 1;
    const server = await started(() => `<p>page ${version}</p>`);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(await fetchText(server.url)).toEqual({
      status: 200,
      type: 'text/html; charset=utf-8',
      body: '<p>page 1</p>',
    });
    version = 2;
    expect((await fetchText(server.url)).body).toBe('<p>page 2</p>');
    expect((await fetchText(`${server.url}nothing`)).status).toBe(404);
    const status = await new Promise<number>((resolve) => {
      request(server.url, { method: 'POST' }, (response) => resolve(response.statusCode ?? 0)).end();
    });
    expect(status).toBe(405);
  });

  test('streams updates, the latest at once to a page that comes late, and an end', async () => {
    const server = await started();
    const update = (progress: number) => ({ progress, state: `at ${progress}`, main: '<p></p>', charts: [] });
    server.update(update(0.25));
    const stream = events(`${server.url}events`, 3);
    await new Promise((resolve) => setTimeout(resolve, 50));
    server.update(update(0.5));
    const ended = server.end('finished', 200);
    expect(await stream).toEqual([
      { event: 'update', data: update(0.25) },
      { event: 'update', data: update(0.5) },
      { event: 'end', data: { state: 'finished' } },
    ]);
    await ended;
    servers.splice(servers.indexOf(server), 1);
  });

  test('a port in use is a user error that names --port', async () => {
    const server = await started();
    const port = Number(new URL(server.url).port);
    const error = await LiveServer.start(port, () => '').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HvsimError);
    expect((error as HvsimError).message).toMatch(/cannot listen on 127\.0\.0\.1:\d+ \(EADDRINUSE\)/);
    expect((error as HvsimError).field).toBe('--port');
  });
});

describe('run --live flags', () => {
  test('--port needs --live, and a port from 0 to 65535, refused before anything runs', async () => {
    await expect(main(['run', SMALL, '--port', '8080'], capture())).rejects.toThrow(
      '--port: is for --live: add --live, or leave --port out',
    );
    for (const port of ['http', '65536', '1.5']) {
      await expect(main(['run', SMALL, '--live', '--port', port], capture())).rejects.toThrow(
        `--port: expected a port from 0 to 65535, got "${port}"`,
      );
    }
  });
});
