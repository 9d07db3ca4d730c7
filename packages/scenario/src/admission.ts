import { admissionPlan } from '@hvsim/host';
import { formatTime } from '@hvsim/spec';
import type { ScenarioIssue } from './scenario-error';
import { copyNames, type Scenario, vmReservation } from './schema';

/** Admission control's refusals within the run, split by whether the scenario marks them expected. */
export interface AdmissionCheck {
  /** Refusals of VMs without `expectRefusal`, and marks no refusal bears out: the scenario cannot run. */
  readonly problems: readonly ScenarioIssue[];
  /** Refusals of VMs marked `expectRefusal: true`: the run reports them. */
  readonly expected: readonly ScenarioIssue[];
}

/**
 * Decides admission before the run, as the host will (the host package's admission plan): every VM that
 * would be refused by the end of the run is named at its entry (`vms[i]`), with when and why.
 */
export function checkAdmission(scenario: Scenario): AdmissionCheck {
  const entries = scenario.vms.flatMap((entry, i) => copyNames(entry).map((name) => ({ entry, i, name })));
  const { host } = scenario;
  const plan = admissionPlan({
    frames: host.memory,
    ...(host.reserved === undefined ? {} : { reservedFrames: host.reserved }),
    ...(host.swap === undefined ? {} : { swapPages: host.swap }),
    vms: entries.map(({ entry, name }) => vmReservation(entry, name)),
  });
  const problems: ScenarioIssue[] = [];
  const expected: ScenarioIssue[] = [];
  const refusedEntries = new Set<number>();
  for (const step of plan) {
    if (step.action !== 'refuse' || step.time > scenario.duration) continue;
    const { entry, i, name } = entries[step.vm]!;
    const message = `${name} cannot power on at ${formatTime(step.time)}: ${step.reason}`;
    refusedEntries.add(i);
    if (entry.expectRefusal) expected.push({ path: `vms[${i}]`, message });
    else
      problems.push({
        path: `vms[${i}]`,
        message: `${message} (if that is the point, set expectRefusal: true)`,
      });
  }
  scenario.vms.forEach((entry, i) => {
    if (!entry.expectRefusal || refusedEntries.has(i)) return;
    const who = entry.count === 1 ? entry.name : `any copy of ${entry.name}`;
    problems.push({
      path: `vms[${i}].expectRefusal`,
      message: `expected a refusal, but admission control does not refuse ${who} within the run; remove expectRefusal`,
    });
  });
  return { problems, expected };
}
