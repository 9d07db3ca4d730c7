import type { Use, VmConfig } from '@hvsim/host';
import { ContentStore } from '@hvsim/machine';
import { createRandom, HvsimError, type VmId } from '@hvsim/spec';
import type { LoadedScenario } from './load';
import type { ScenarioIssue } from './scenario-error';
import { copyNames } from './schema';

/**
 * Creates every policy of a loaded scenario, and the workload of every VM entry, and throws each away: what
 * a run would find only when it starts (a trace file that is missing, a content image that cannot be read, a
 * plugin's own checks at creation) is found without simulating. Each problem is named by its path.
 */
export function creationProblems(loaded: LoadedScenario): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  const random = createRandom(loaded.scenario.seed);
  const emit = () => {};
  const tryCreate = (path: string, use: Use<string, never, unknown> | undefined, context: object) => {
    if (use === undefined) return;
    try {
      use.definition.create(use.options as never, { random: random.split(path), emit, ...context } as never);
    } catch (error) {
      if (!(error instanceof HvsimError)) throw error;
      issues.push({ path, message: error.message });
    }
  };
  const { policies = {}, vms, baseDir } = loaded.host;
  tryCreate('policies.allocation', policies.allocation, {});
  tryCreate('policies.reclamation', policies.reclamation, {});
  tryCreate('policies.sharing', policies.sharing, {});
  for (const [i, use] of (policies.mechanisms ?? []).entries()) {
    tryCreate(`policies.mechanisms[${i}]`, use, {});
  }
  const contents = new ContentStore();
  loaded.scenario.vms.forEach((entry, i) => {
    const first = copyNames(entry)[0];
    const vm: VmConfig | undefined = vms.find((config) => config.name === first);
    if (!vm) return;
    tryCreate(`vms[${i}].workload`, vm.workload, {
      vm: vms.indexOf(vm) as VmId,
      vmPages: vm.pages,
      contents,
      ...(baseDir === undefined ? {} : { baseDir }),
    });
  });
  return issues;
}
