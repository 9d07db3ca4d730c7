import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HvsimError } from '@hvsim/spec';
import type { RunResult } from './run-point';

/**
 * The runs a sweep has finished, a file each under `<out>/runs/`, named by the run's hash and written as it
 * ends: a sweep stopped in any way (Ctrl-C, kill -9, a lost coordinator) keeps every run that finished, and a
 * sweep started again over the same folder runs only the others.
 */
export class RunStore {
  readonly #dir: string;

  constructor(out: string) {
    this.#dir = join(out, 'runs');
  }

  /** Every run on disk that finished, by hash; a run that failed is left out, to be tried again. */
  async finished(): Promise<Map<string, RunResult>> {
    const runs = new Map<string, RunResult>();
    let names: string[];
    try {
      names = await readdir(this.#dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return runs;
      throw error;
    }
    for (const name of names.filter((n) => /^[0-9a-f]{64}\.json$/.test(n)).sort()) {
      const path = join(this.#dir, name);
      let run: RunResult;
      try {
        run = JSON.parse(await readFile(path, 'utf8')) as RunResult;
      } catch (error) {
        throw new HvsimError(
          'unreadable-run',
          `cannot read a finished run: ${(error as Error).message}`,
          path,
        );
      }
      if (run.hash !== name.slice(0, 64)) {
        throw new HvsimError('unreadable-run', `holds run ${run.hash}, not the one its name says`, path);
      }
      if (run.error === undefined) runs.set(run.hash, run);
    }
    return runs;
  }

  /** Keeps a run, all or nothing: written beside its place, then renamed into it. */
  async keep(run: RunResult): Promise<void> {
    await mkdir(this.#dir, { recursive: true });
    const path = join(this.#dir, `${run.hash}.json`);
    await writeFile(`${path}.${process.pid}.tmp`, `${JSON.stringify(run)}\n`);
    await rename(`${path}.${process.pid}.tmp`, path);
  }
}
