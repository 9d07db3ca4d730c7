import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository's root. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The version the CLI gives its sweeps and workers (`hvsim@<version>`): a queue's jobs are that version's. */
export const CLI_VERSION = `hvsim@${
  (JSON.parse(readFileSync(join(ROOT, 'apps/cli/package.json'), 'utf8')) as { version: string }).version
}`;

/** tsx's loader, by path: a process started in another folder finds it too. */
const tsx = pathToFileURL(createRequire(join(ROOT, 'package.json')).resolve('tsx')).href;

/** An `hvsim` process and what it has printed so far. */
export interface HvsimProcess {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Its exit code (null when a signal ended it). */
  readonly exited: Promise<number | null>;
}

/** Where a process runs, and where it makes its temporary folders (a worker killed cannot remove its own). */
export interface ProcessPlace {
  readonly cwd?: string;
  readonly tmpdir?: string;
}

/** `hvsim <args>` as a process of its own, run from the CLI's source as `pnpm hvsim` runs it. */
export function hvsim(args: readonly string[], { cwd = ROOT, tmpdir }: ProcessPlace = {}): HvsimProcess {
  // Through npm, INIT_CWD would be where the CLI resolves relative paths.
  const { INIT_CWD: _, ...env } = process.env;
  const child = spawn(
    process.execPath,
    ['--conditions=@hvsim/source', '--import', tsx, join(ROOT, 'apps/cli/src/main.ts'), ...args],
    { cwd, env: tmpdir === undefined ? env : { ...env, TMPDIR: tmpdir }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (data: Buffer) => {
    stdout += data.toString();
  });
  child.stderr!.on('data', (data: Buffer) => {
    stderr += data.toString();
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** `hvsim worker --queue <url> --concurrency 1 <extra>`, once it is waiting for runs. */
export async function startWorker(
  url: string,
  extra: readonly string[] = [],
  place: ProcessPlace = {},
): Promise<HvsimProcess> {
  const worker = hvsim(['worker', '--queue', url, '--concurrency', '1', ...extra], place);
  await until(
    () => worker.stderr().includes('taking runs from') || worker.child.exitCode !== null,
    'a worker',
  );
  if (worker.child.exitCode !== null) throw new Error(`the worker ended: ${worker.stderr()}`);
  return worker;
}

/** Stops a process as Ctrl-C does, and waits for it to end. */
export async function stopProcess(process: HvsimProcess): Promise<number | null> {
  process.child.kill('SIGTERM');
  return process.exited;
}

/** Waits until `done` holds, checking every 50 ms, for at most `seconds`. */
export async function until(
  done: () => boolean | Promise<boolean>,
  what: string,
  seconds = 20,
): Promise<void> {
  for (let waited = 0; !(await done()); waited += 0.05) {
    if (waited > seconds) throw new Error(`waited ${seconds} s for ${what}`);
    await sleep(50);
  }
}
