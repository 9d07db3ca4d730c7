import fc from 'fast-check';
import type { z } from 'zod';
import { createOpBatch, OpKind, type Workload, type WorkloadContext } from '../contracts/workload';
import type { Definition } from '../define';
import { isContentId, type VmId } from '../ids';
import { scalePages } from '../miniature';
import { createRandom } from '../random';

export interface WorkloadConformanceOptions<Options> {
  /** What the workload is created with, as a scenario would give it (default: its defaults). */
  readonly options?: Options;
  /** Pages of the VM the workload runs in (default 4096), at full size. */
  readonly vmPages?: number;
  /**
   * Run it as a miniature at this scale (default 1): the context carries the scale and the miniature VM's
   * pages (`vmPages` divided as the host divides them), and ops must stay within those.
   */
  readonly scale?: number;
  /** Where relative file paths in the options start (see WorkloadContext). */
  readonly baseDir?: string;
  /** Runs per property (default: fast-check's, which the FC_NUM_RUNS setting of a test run also sets). */
  readonly numRuns?: number;
}

const KINDS: ReadonlySet<number> = new Set(Object.values(OpKind));
/** Room past a batch's capacity, filled with a mark a workload must leave alone. */
const PAD = 4;
const MARK = -7;

/** A run: the capacity of each fill, and the simulated time each op but Compute takes. */
interface Run {
  readonly seed: number;
  readonly vm: number;
  readonly capacities: readonly number[];
  readonly opCost: number;
}

const runs: fc.Arbitrary<Run> = fc.record({
  seed: fc.integer(),
  vm: fc.nat(15),
  capacities: fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 40 }),
  opCost: fc.integer({ min: 1, max: 10_000_000 }),
});

/**
 * The properties every workload keeps, ours or a user's: call it in a test with its definition (and the
 * options to create it with). Over random runs — batches of random capacities, filled at the time a guest
 * would reach each one (Compute ops take their time, other ops a random cost) —
 * - the instance is a `workload@1`;
 * - a fill writes from index 0, returns its count, sets `batch.length` to it, never more than the batch's
 *   capacity, and writes nothing past the capacity (the suite's arrays are longer than that);
 * - every op is valid: a known kind; Read, Write and Free name a virtual page of the VM; file ops name a
 *   block (a whole number); FileCopy's buffer is a virtual page of the VM; Compute lasts a positive, finite
 *   time; writes store a content id (a safe integer, 0 or more);
 * - once a fill returns 0 (finished), every later fill does too;
 * - the same seed and the same run give the same ops;
 * and with `scale`, all of these in a miniature VM.
 * Throws (with fast-check's counterexample) when one fails.
 */
export function checkWorkloadConformance<Schema extends z.ZodType>(
  definition: Definition<'workload@1', Schema, WorkloadContext, Workload>,
  options: WorkloadConformanceOptions<z.input<Schema>> = {},
): void {
  const scale = options.scale ?? 1;
  const vmPages = scalePages(options.vmPages ?? 4096, scale);
  const isPage = (value: number) => Number.isSafeInteger(value) && value >= 0 && value < vmPages;

  const run = (script: Run): number[] => {
    const context: WorkloadContext = {
      random: createRandom(script.seed).split('workload'),
      emit: () => {},
      vm: script.vm as VmId,
      vmPages,
      ...(scale === 1 ? {} : { scale }),
      ...(options.baseDir === undefined ? {} : { baseDir: options.baseDir }),
    };
    const workload = definition.create(options.options, context);
    if (workload.contract !== 'workload@1') {
      throw new Error(`expected contract workload@1, got ${String(workload.contract)}`);
    }
    const ops: number[] = [];
    let now = 0;
    let finished = false;
    script.capacities.forEach((capacity, f) => {
      const padded = createOpBatch(capacity + PAD);
      padded.kind.fill(0xff);
      padded.target.fill(MARK);
      padded.content.fill(MARK);
      const batch = { ...padded, capacity, length: MARK };
      const n = workload.fill(batch, now);
      const where = `fill ${f} (capacity ${capacity}, time ${now})`;
      if (!(Number.isInteger(n) && n >= 0 && n <= capacity)) {
        throw new Error(`${where}: expected a count of 0 to ${capacity} ops, got ${n}`);
      }
      if (batch.length !== n)
        throw new Error(`${where}: returned ${n} but set batch.length to ${batch.length}`);
      for (let i = capacity; i < capacity + PAD; i++) {
        if (batch.kind[i] !== 0xff || batch.target[i] !== MARK || batch.content[i] !== MARK) {
          throw new Error(`${where}: wrote index ${i}, past the batch's capacity`);
        }
      }
      if (finished && n > 0) throw new Error(`${where}: filled ${n} ops after finishing (a fill returned 0)`);
      finished = n === 0;
      for (let i = 0; i < n; i++) {
        const kind = batch.kind[i]!;
        const target = batch.target[i]!;
        const content = batch.content[i]!;
        const problem = opProblem(kind, target, content, isPage);
        if (problem)
          throw new Error(
            `${where}, op ${i} (kind ${kind}, target ${target}, content ${content}): ${problem}`,
          );
        ops.push(kind, target, content);
        now += kind === OpKind.Compute ? target : script.opCost;
      }
    });
    return ops;
  };

  fc.assert(
    fc.property(runs, (script) => {
      const first = run(script);
      const second = run(script);
      if (first.join() !== second.join()) throw new Error('the same seed and run gave different ops');
    }),
    options.numRuns === undefined ? {} : { numRuns: options.numRuns },
  );
}

/** What is wrong with one op, if anything. */
function opProblem(
  kind: number,
  target: number,
  content: number,
  isPage: (value: number) => boolean,
): string | undefined {
  if (!KINDS.has(kind)) return 'not a known OpKind';
  switch (kind) {
    case OpKind.Compute:
      return target > 0 && Number.isFinite(target) ? undefined : 'expected a positive, finite compute time';
    case OpKind.Read:
    case OpKind.Write:
    case OpKind.Free:
      if (!isPage(target)) return 'expected a virtual page of the VM as target';
      break;
    default:
      if (!(Number.isSafeInteger(target) && target >= 0))
        return 'expected a disk block (0 or more) as target';
      if (kind === OpKind.FileCopy && !isPage(content)) return 'expected a virtual page of the VM as buffer';
  }
  if ((kind === OpKind.Write || kind === OpKind.FileWrite) && !isContentId(content)) {
    return 'expected a content id (a safe integer, 0 or more) to write';
  }
  return undefined;
}
