import fc from 'fast-check';
import { addBlock, createBlockRead } from '../block-read';
import {
  type CreditsSharers,
  creditsSharers,
  type SharingAttachment,
  type SharingEngine,
  sharesBeforeSwap,
  sharesDiskReads,
} from '../contracts/sharing';
import { plainDisk } from '../contracts/virtual-disk';
import type { ContentId, VmId } from '../ids';
import { FrameState, type MachineView, type MemoryBus, PageState, type RemapApi } from '../machine';
import { createRandom, type RandomStream } from '../random';
import type { SimTime } from '../units';

/** A real machine for the suite to drive (this package cannot build one): views, remap ops and accesses. */
export interface SharingHarness {
  readonly machine: MachineView & RemapApi & Pick<MemoryBus, 'read' | 'write' | 'deviceWrite'>;
  /** The VMs on it, each with `pages` pages. */
  readonly vms: readonly VmId[];
  readonly pages: number;
  /** Throws when a memory invariant of the machine is broken (reference counts, one frame per content…). */
  checkInvariants(): void;
  /** Moves host time on by `ns` (an engine may pace itself by it; swap writes complete). */
  advance(ns: SimTime): void;
}

export interface SharingConformanceOptions {
  /** Runs per property (default: fast-check's, which the FC_NUM_RUNS setting of a test run also sets). */
  readonly numRuns?: number;
  /**
   * The engine paces itself by simulated time rather than the scan budget (KSM's pages_to_scan every
   * sleep_millisecs), so a scan may examine more pages than its budget. Default false.
   */
  readonly ownRate?: boolean;
  /**
   * The VMs' trust domains, one per harness VM, given to the engine through `domainOf`: the suite then also
   * checks that no frame but the zero page is ever mapped from two domains (an engine that salts).
   */
  readonly domains?: readonly string[];
}

/** A page a disk read fills: block b of the base image holds content b. */
interface DiskPage {
  readonly ppn: number;
  readonly content: number;
}

type Step =
  | { readonly kind: 'write'; readonly v: number; readonly ppn: number; readonly content: number }
  | { readonly kind: 'disk'; readonly v: number; readonly pages: readonly DiskPage[] }
  | { readonly kind: 'read' | 'tryShare' | 'swapOut'; readonly v: number; readonly ppn: number }
  | { readonly kind: 'scan'; readonly budget: number }
  | { readonly kind: 'time'; readonly ns: number };

const steps = (vms: number, pages: number) => {
  const page = { v: fc.nat(vms - 1), ppn: fc.nat(pages - 1) };
  // Few contents, so equal pages (what an engine shares) are common.
  const content = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5 }));
  return fc.array(
    fc.oneof(
      fc.record({ kind: fc.constant('write' as const), ...page, content }),
      // One read request of a few pages, each of its own block, as a block device issues them.
      fc.record({
        kind: fc.constant('disk' as const),
        v: page.v,
        pages: fc.uniqueArray(fc.record({ ppn: page.ppn, content }), {
          minLength: 1,
          maxLength: 4,
          comparator: (a, b) => a.ppn === b.ppn || a.content === b.content,
        }),
      }),
      fc.record({ kind: fc.constantFrom('read' as const, 'tryShare' as const, 'swapOut' as const), ...page }),
      fc.record({ kind: fc.constant('scan' as const), budget: fc.integer({ min: 1, max: 32 }) }),
      fc.record({ kind: fc.constant('time' as const), ns: fc.integer({ min: 0, max: 50_000_000 }) }),
    ),
    { maxLength: 80, size: 'max' },
  );
};

/**
 * The properties every sharing engine keeps, ours or a user's: call it in a test with a factory that builds
 * the engine from a random stream and one that builds a fresh machine. Over random writes, disk reads (told
 * to the engine as a base-image block of the content), reads, scans, share-before-swap, page-outs and
 * passing time:
 * - every page reads the content last written to it, whatever the engine shared (a write gives the writer a
 *   private copy), and the machine's invariants hold after every step;
 * - a scan examines at most its budget (unless the engine keeps its own rate) and maps at most two pages per
 *   page examined;
 * - `tryShare` answers true only for a page that then is shared; an engine's disk layer marks only pages
 *   it then mapped onto a shared frame holding their blocks (read as the disk holds them), and counts them;
 * - an engine that credits sharers credits exactly the frames saved, Σ (k − 1) over shared frames but the
 *   zero page's, and nothing to a VM with no page on one;
 * - given trust domains, no frame but the zero page is mapped from two of them;
 * - the same seed and the same steps leave every page on the same kind of backing.
 * Throws (with fast-check's counterexample) when one fails.
 */
export function checkSharingEngineConformance(
  create: (random: RandomStream) => SharingEngine,
  harness: () => SharingHarness,
  options: SharingConformanceOptions = {},
): void {
  const probe = harness();
  const run = (seed: number, script: readonly Step[]): PageState[] => {
    const { machine, vms, pages, checkInvariants, advance } = harness();
    const engine = create(createRandom(seed));
    if (engine.contract !== 'sharing-engine@1')
      throw new Error(`expected contract sharing-engine@1, got ${engine.contract}`);
    const { domains } = options;
    const attachment: SharingAttachment = {
      machine,
      remap: machine,
      ...(domains ? { domainOf: (vm: VmId) => domains[vms.indexOf(vm)] } : {}),
    };
    engine.attach(attachment);
    const written = new Map<string, ContentId>();
    for (const step of script) {
      if (step.kind === 'time') advance(step.ns);
      else if (step.kind === 'scan') {
        const { scanned, shared } = engine.scan(step.budget);
        if (!((options.ownRate || scanned <= step.budget) && shared <= 2 * Math.max(scanned, 1)))
          throw new Error(`scan(${step.budget}) examined ${scanned} pages and shared ${shared}`);
      } else if (step.kind === 'disk') {
        diskRead(engine, machine, vms[step.v]!, step.pages);
        for (const { ppn, content } of step.pages) written.set(`${step.v}:${ppn}`, content);
      } else {
        const vm = vms[step.v]!;
        const key = `${step.v}:${step.ppn}`;
        if (step.kind === 'write') {
          machine.write(vm, step.ppn, step.content);
          written.set(key, step.content);
        } else if (step.kind === 'read') {
          const read = machine.read(vm, step.ppn);
          if (read !== (written.get(key) ?? 0))
            throw new Error(`page ${key} read ${read}, last written ${written.get(key) ?? 0}`);
        } else if (step.kind === 'tryShare') {
          if (
            sharesBeforeSwap(engine) &&
            engine.tryShare(vm, step.ppn) &&
            machine.pageState(vm, step.ppn) !== PageState.Shared
          )
            throw new Error(`tryShare(${key}) said shared, but the page is not`);
        } else {
          const state = machine.pageState(vm, step.ppn);
          if (state === PageState.Private || state === PageState.Shared) machine.evict(vm, step.ppn);
        }
      }
      checkInvariants();
      if (creditsSharers(engine)) checkCredits(machine, vms, engine);
      if (domains) checkDomains(machine, vms, domains);
      vms.forEach((vm, v) => {
        for (let ppn = 0; ppn < pages; ppn++) {
          const held = machine.peek(vm, ppn);
          const expected = written.get(`${v}:${ppn}`) ?? 0;
          if (held !== expected) throw new Error(`page ${v}:${ppn} holds ${held}, last written ${expected}`);
        }
      });
    }
    return vms.flatMap((vm) => Array.from({ length: pages }, (_, ppn) => machine.pageState(vm, ppn)));
  };
  fc.assert(
    fc.property(fc.integer(), steps(probe.vms.length, probe.pages), (seed, script) => {
      const first = run(seed, script);
      const second = run(seed, script);
      if (first.join() !== second.join())
        throw new Error('the same seed and steps left different page states');
    }),
    options.numRuns === undefined ? {} : { numRuns: options.numRuns },
  );
}

/**
 * A read request of `pages`, as a guest issues it to its disk, with the engine's layer over the plain disk
 * when it has one: the pages the request marks shared must then be shared, and as many as it says; the
 * disk's DMA fills the rest. A shared page's contents are checked with every page's after the step.
 */
function diskRead(
  engine: SharingEngine,
  machine: SharingHarness['machine'],
  vm: VmId,
  pages: readonly DiskPage[],
): void {
  const read = createBlockRead(pages.length);
  for (const { ppn, content } of pages) addBlock(read, ppn, 'conformance', content, content);
  const disk = sharesDiskReads(engine)
    ? engine.diskLayer(vm, plainDisk(vm, machine))
    : plainDisk(vm, machine);
  const served = disk.request(read);
  let marked = 0;
  pages.forEach(({ ppn, content }, i) => {
    if (served > 0 && read.shared[i] === 1) {
      marked++;
      if (machine.pageState(vm, ppn) !== PageState.Shared)
        throw new Error(`the disk layer marked page ${vm}:${ppn} shared, but it is not`);
    } else disk.transfer(ppn, 'conformance', content, content);
  });
  if (marked !== served)
    throw new Error(`the disk layer said it filled ${served} pages but marked ${marked}`);
}

/** Credits sum to the frames saved; a VM with no page on a shared frame (but the zero page) has none. */
function checkCredits(machine: MachineView, vms: readonly VmId[], engine: CreditsSharers): void {
  let saved = 0;
  for (let mpn = 0; mpn < machine.totalFrames; mpn++) {
    if (mpn !== machine.zeroFrame && machine.frameState(mpn) === FrameState.Shared)
      saved += machine.refCount(mpn) - 1;
  }
  let credited = 0;
  for (const vm of vms) {
    const credit = engine.credit(vm);
    credited += credit;
    let sharing = false;
    for (let ppn = 0; ppn < machine.pageCount(vm) && !sharing; ppn++)
      sharing =
        machine.pageState(vm, ppn) === PageState.Shared && machine.frameOf(vm, ppn) !== machine.zeroFrame;
    if (!sharing && credit !== 0) throw new Error(`vm ${vm} shares nothing but is credited ${credit} pages`);
  }
  if (Math.abs(credited - saved) > 1e-9)
    throw new Error(`credits sum to ${credited} pages, but sharing saved ${saved} frames`);
}

/** No frame but the zero page is mapped by pages of VMs in two trust domains. */
function checkDomains(machine: MachineView, vms: readonly VmId[], domains: readonly string[]): void {
  const domainOfFrame = new Map<number, string>();
  vms.forEach((vm, v) => {
    for (let ppn = 0; ppn < machine.pageCount(vm); ppn++) {
      const mpn = machine.frameOf(vm, ppn);
      if (mpn === undefined || mpn === machine.zeroFrame || machine.pageState(vm, ppn) !== PageState.Shared)
        continue;
      const seen = domainOfFrame.get(mpn);
      if (seen !== undefined && seen !== domains[v])
        throw new Error(`frame ${mpn} is shared across trust domains ${seen} and ${domains[v]}`);
      domainOfFrame.set(mpn, domains[v]!);
    }
  });
}
