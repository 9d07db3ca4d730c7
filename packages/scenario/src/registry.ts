import { detectorDefinitions } from '@hvsim/detectors';
import { allocationDefinitions } from '@hvsim/economics';
import { guestDefinitions } from '@hvsim/guest';
import { reclamationDefinitions } from '@hvsim/reclaim';
import { sharingDefinitions } from '@hvsim/sharing';
import { type Definition, HvsimError } from '@hvsim/spec';
import { workloadDefinitions } from '@hvsim/workloads';
import type { z } from 'zod';

export { SCENARIO_CONTRACTS } from './contracts';

// biome-ignore lint/suspicious/noExplicitAny: a registry holds definitions of every context and instance type
export type AnyDefinition = Definition<string, z.ZodType, any, any>;

/** A name the registry does not know, or a plugin that defines nothing. */
export class RegistryError extends HvsimError {
  override readonly name = 'RegistryError';
}

const isDefinition = (value: unknown): value is AnyDefinition =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as AnyDefinition).contract === 'string' &&
  typeof (value as AnyDefinition).name === 'string' &&
  typeof (value as AnyDefinition).create === 'function';

/**
 * Named factories by contract: what a scenario's `kind: zipf` or `guest: windows` resolves to. The built-in
 * guests and workloads are registered; plugins (modules exporting definitions) add their own.
 */
export class Registry {
  readonly #byContract = new Map<string, Map<string, AnyDefinition>>();

  register(definition: AnyDefinition): void {
    let named = this.#byContract.get(definition.contract);
    if (!named) {
      named = new Map();
      this.#byContract.set(definition.contract, named);
    }
    if (named.has(definition.name)) {
      throw new RegistryError(
        'duplicate-definition',
        `a ${definition.contract} named ${JSON.stringify(definition.name)} is already registered`,
        'plugins',
      );
    }
    named.set(definition.name, definition);
  }

  /** The definition a scenario names at `field`; an unknown name lists the known ones. */
  get(contract: string, name: string, field: string): AnyDefinition {
    const definition = this.#byContract.get(contract)?.get(name);
    if (definition) return definition;
    const known = [...(this.#byContract.get(contract)?.keys() ?? [])].sort();
    throw new RegistryError(
      'unknown-definition',
      `no ${contract} named ${JSON.stringify(name)}; known: ${known.length ? known.join(', ') : '(none)'}`,
      field,
    );
  }

  /** Every registered definition, sorted by contract then name. */
  list(): AnyDefinition[] {
    return [...this.#byContract.values()]
      .flatMap((named) => [...named.values()])
      .sort((a, b) => a.contract.localeCompare(b.contract) || a.name.localeCompare(b.name));
  }

  /** Registers every definition a plugin module exports; a module that exports none is an error. */
  registerModule(module: Record<string, unknown>, specifier: string): number {
    const found = Object.values(module).flatMap((value) =>
      Array.isArray(value) ? value.filter(isDefinition) : isDefinition(value) ? [value] : [],
    );
    if (found.length === 0) {
      throw new RegistryError(
        'empty-plugin',
        `${specifier} exports no definitions (objects made with defineWorkload, defineDetector, …)`,
        'plugins',
      );
    }
    for (const definition of new Set(found)) this.register(definition);
    return found.length;
  }
}

/** A registry holding the built-in guests, workloads and detectors. */
export function defaultRegistry(): Registry {
  const registry = new Registry();
  for (const definition of [
    ...guestDefinitions,
    ...workloadDefinitions,
    ...detectorDefinitions,
    ...allocationDefinitions,
    ...reclamationDefinitions,
    ...sharingDefinitions,
  ]) {
    registry.register(definition);
  }
  return registry;
}
