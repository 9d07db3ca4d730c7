import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Registry } from './registry';

/**
 * Where a plugin is: a path (relative to `baseDir`, the scenario file's folder), or a package name looked up
 * from `baseDir` as the user's own project would, and from hvsim's packages failing that.
 */
function specifierOf(plugin: string, baseDir: string): string {
  if (plugin.startsWith('.') || isAbsolute(plugin)) return pathToFileURL(resolve(baseDir, plugin)).href;
  try {
    return pathToFileURL(createRequire(join(baseDir, 'noop.js')).resolve(plugin)).href;
  } catch {
    return plugin;
  }
}

/**
 * Imports each plugin module and registers the definitions it exports. Returns the problems by the plugin's
 * index, each in words (a module that cannot be loaded, or that defines nothing).
 */
export async function loadPlugins(
  registry: Registry,
  plugins: readonly string[],
  baseDir: string,
): Promise<{ index: number; message: string }[]> {
  const problems: { index: number; message: string }[] = [];
  for (const [index, plugin] of plugins.entries()) {
    let module: Record<string, unknown>;
    try {
      module = await import(specifierOf(plugin, baseDir));
    } catch (error) {
      problems.push({ index, message: `cannot load ${plugin}: ${(error as Error).message}` });
      continue;
    }
    registry.registerModule(module, plugin);
  }
  return problems;
}
