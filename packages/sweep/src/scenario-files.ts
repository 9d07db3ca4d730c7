import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { link, mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** A file a scenario names, as found on the machine that planned the sweep. */
export interface ScenarioFile {
  /** The path as the scenario writes it. */
  readonly path: string;
  /** The path resolved against the run's baseDir, on the machine that planned the sweep. */
  readonly resolved: string;
  readonly sha256: string;
  readonly size: number;
}

/** Files up to this size travel with a job through the queue; a larger one is named by a path every worker sees. */
export const TRAVEL_LIMIT = 64 * 1024 ** 2;

/** Each path's digest, or null for a path that is no regular file: a sweep's runs name the same files many times. */
export type FileDigests = Map<string, { readonly sha256: string; readonly size: number } | null>;

/**
 * The files a scenario names: every string value in the document that, resolved against `baseDir`, is an existing
 * regular file. One rule covers `plugins`, a trace's `path`, a file content model and a plugin's options alike,
 * without a list of which options are paths. A value that only happens to name a file costs a digest, no more.
 */
export function scenarioFiles(
  scenario: unknown,
  baseDir: string,
  digests: FileDigests = new Map(),
): ScenarioFile[] {
  const paths = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') paths.add(value);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === 'object' && value !== null) Object.values(value).forEach(visit);
  };
  visit(scenario);
  return [...paths].sort().flatMap((path) => {
    const resolved = resolve(baseDir, path);
    if (!digests.has(resolved)) digests.set(resolved, digestOf(resolved));
    const digest = digests.get(resolved);
    return digest ? [{ path, resolved, ...digest }] : [];
  });
}

/** Whether a file travels with its job: written relative to the scenario, and small enough to keep in Redis. */
export const travels = (file: ScenarioFile, limit: number = TRAVEL_LIMIT): boolean =>
  !isAbsolute(file.path) && file.size <= limit;

/** The SHA-256 and size of a regular file, read in chunks (a trace may be larger than memory); null for no file. */
function digestOf(path: string): { sha256: string; size: number } | null {
  try {
    if (!statSync(path).isFile()) return null;
  } catch {
    // No such file, or no path at all (a name, a size, text too long to be a path).
    return null;
  }
  const hash = createHash('sha256');
  const buffer = Buffer.alloc(1024 ** 2);
  const fd = openSync(path, 'r');
  let size = 0;
  try {
    for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) {
      hash.update(buffer.subarray(0, n));
      size += n;
    }
  } finally {
    closeSync(fd);
  }
  return { sha256: hash.digest('hex'), size };
}

/**
 * A worker's copies of the files that jobs name, under `root` (a temporary folder of its own). Each set of files
 * is laid out once in a folder of its own, keyed by what it holds, at the same paths relative to the run's baseDir
 * as on the machine that planned the sweep, so the scenario runs unchanged with that folder as its baseDir. A file
 * that travelled is written from its contents (`fetch`, by SHA-256), each content once; one that did not is a
 * link to the path where it was planned, which every worker must see.
 */
export class FileCache {
  readonly #root: string;
  readonly #fetch: (sha256: string) => Promise<Buffer>;
  readonly #contents = new Map<string, Promise<string>>();
  readonly #layouts = new Map<string, Promise<string>>();

  constructor(root: string, fetch: (sha256: string) => Promise<Buffer>) {
    this.#root = root;
    this.#fetch = fetch;
  }

  /**
   * The baseDir to run a job in: its own when it names no relative file (absolute paths are used as written),
   * else the folder its relative files are laid out in. `travelled` holds the paths (as written) that travelled.
   */
  baseDirOf(
    baseDir: string,
    files: readonly ScenarioFile[],
    travelled: ReadonlySet<string>,
  ): Promise<string> {
    const entries = [
      ...new Map(
        files
          .filter((file) => !isAbsolute(file.path))
          .map((file) => [relative(baseDir, file.resolved), file] as const),
      ),
    ].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (entries.length === 0) return Promise.resolve(baseDir);
    const manifest = entries.map(([path, file]) =>
      travelled.has(file.path) ? `${path}\0${file.sha256}` : `${path}\0->${file.resolved}`,
    );
    const key = createHash('sha256').update(manifest.join('\n')).digest('hex');
    return memo(this.#layouts, key, async () => {
      const folder = join(this.#root, key);
      // `../x` climbs out of the baseDir: the baseDir sits as many levels down the folder as any path climbs.
      const depth = Math.max(...entries.map(([path]) => leadingParents(path)));
      const base = join(folder, ...Array.from({ length: depth }, () => 'base'));
      // A layout that failed part way (a content not fetched) starts again from nothing.
      await rm(folder, { recursive: true, force: true });
      for (const [path, file] of entries) {
        const at = resolve(base, path);
        if (!at.startsWith(folder + sep)) throw new Error(`${file.path}: lays out outside its folder`);
        await mkdir(dirname(at), { recursive: true });
        if (travelled.has(file.path)) await link(await this.#content(file.sha256), at);
        else await symlink(file.resolved, at);
      }
      await mkdir(base, { recursive: true });
      return base;
    });
  }

  /** Removes every file laid out. */
  async dispose(): Promise<void> {
    await rm(this.#root, { recursive: true, force: true });
  }

  /** A content's one copy, fetched and checked against its hash the first time a job names it. */
  #content(sha256: string): Promise<string> {
    return memo(this.#contents, sha256, async () => {
      const bytes = await this.#fetch(sha256);
      if (createHash('sha256').update(bytes).digest('hex') !== sha256) {
        throw new Error(`the file of SHA-256 ${sha256} came back with other contents`);
      }
      const path = join(this.#root, 'contents', sha256);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(`${path}.tmp`, bytes);
      await rename(`${path}.tmp`, path);
      return path;
    });
  }
}

/** How many `..` a relative path starts with. */
function leadingParents(path: string): number {
  const parts = path.split(sep);
  const n = parts.findIndex((part) => part !== '..');
  return n < 0 ? parts.length : n;
}

/** One promise per key; a failure is forgotten, so a later job tries again. */
function memo(
  cache: Map<string, Promise<string>>,
  key: string,
  make: () => Promise<string>,
): Promise<string> {
  let promise = cache.get(key);
  if (promise === undefined) {
    promise = make();
    cache.set(key, promise);
    promise.catch(() => cache.delete(key));
  }
  return promise;
}
