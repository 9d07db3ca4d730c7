/**
 * Salting: content-based sharing confined to trust domains. Unit tests of the three modes, and a property
 * over random domains, contents, scans and share-before-swap — with the full hash and with 1 bit of it, so
 * salted hashes of two domains collide and only the domain checks stand between them — that no shared frame
 * other than the zero frame is ever mapped by VMs of two domains, and that every page keeps its contents.
 */
import { checkInvariants, createMachine } from '@hvsim/machine';
import { createRandom, type VmId } from '@hvsim/spec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ContentBasedOptions, type ContentBasedSharing, contentBased } from './content-based';

const PAGES = 4;

/** VMs with these domains on one machine, the engine attached with the domains as the host gives them. */
function setup(domains: readonly (string | undefined)[], options: Partial<ContentBasedOptions>, seed = 1) {
  const machine = createMachine({ frames: domains.length * PAGES + 4 });
  const vms = domains.map(() => machine.addVm({ pages: PAGES }));
  const engine = contentBased.create(options, {
    random: createRandom(seed),
    emit: () => {},
  }) as ContentBasedSharing;
  engine.attach({ machine, remap: machine, domainOf: (vm) => domains[vms.indexOf(vm)] });
  return { machine, vms, engine };
}

/** Whether two pages ended on one frame after every VM's pages 0 and 1 were written `content` and visited. */
function sharedPairs(domains: readonly (string | undefined)[], salting: ContentBasedOptions['salting']) {
  const { machine, vms, engine } = setup(domains, { salting });
  for (const vm of vms) for (const ppn of [0, 1]) machine.write(vm, ppn, 42);
  for (const vm of vms) for (const ppn of [0, 1]) engine.tryShare(vm, ppn);
  checkInvariants(machine);
  const frame = (v: number, ppn: number) => machine.frameOf(vms[v]!, ppn);
  return {
    withinVm: frame(0, 0) === frame(0, 1),
    acrossVms: (a: number, b: number) => frame(a, 0) === frame(b, 0),
    frames: new Set(vms.flatMap((vm) => [machine.frameOf(vm, 0), machine.frameOf(vm, 1)])).size,
    crossDomainMatches: engine.crossDomainMatches,
  };
}

describe('salting', () => {
  it('none: equal pages are shared across every VM', () => {
    const pairs = sharedPairs(['a', 'b'], 'none');
    expect(pairs.acrossVms(0, 1)).toBe(true);
    expect(pairs.frames).toBe(1);
  });

  it('vm: equal pages are shared within a VM, never across, whatever the domains', () => {
    const pairs = sharedPairs(['a', 'a'], 'vm');
    expect(pairs.withinVm).toBe(true);
    expect(pairs.acrossVms(0, 1)).toBe(false);
    expect(pairs.frames).toBe(2);
  });

  it('domains: equal pages are shared within a domain, never across; a VM without one is alone', () => {
    const pairs = sharedPairs(['a', 'a', 'b', undefined], 'domains');
    expect(pairs.acrossVms(0, 1)).toBe(true);
    expect(pairs.acrossVms(0, 2)).toBe(false);
    expect(pairs.acrossVms(0, 3)).toBe(false);
    expect(pairs.frames).toBe(3);
    expect(pairs.crossDomainMatches).toBe(0); // salted, the hashes of two domains never met in the table
  });

  it('refuses a hint or frame of another domain even when the salted hashes collide', () => {
    const { machine, vms, engine } = setup(['a', 'b'], { salting: 'domains', hashBits: 1 });
    const [a, b] = vms as [VmId, VmId];
    for (const ppn of [0, 1]) machine.write(a, ppn, 42);
    for (let ppn = 0; ppn < PAGES; ppn++) machine.write(b, ppn, 42);
    engine.tryShare(a, 0);
    engine.tryShare(a, 1); // a's pages share a frame, in the table under a's (one-bit) hash
    for (let ppn = 0; ppn < PAGES; ppn++) engine.tryShare(b, ppn);
    expect(engine.crossDomainMatches).toBeGreaterThan(0);
    for (let ppn = 0; ppn < PAGES; ppn++) expect(machine.frameOf(b, ppn)).not.toBe(machine.frameOf(a, 0));
    checkInvariants(machine);
  });

  it('never shares across domains, and every page keeps its contents', () => {
    const op = fc.oneof(
      { arbitrary: fc.record({ write: fc.tuple(fc.nat(3), fc.nat(PAGES - 1), fc.nat(2)) }), weight: 3 },
      fc.record({ scan: fc.integer({ min: 1, max: 8 }) }),
      fc.record({ tryShare: fc.tuple(fc.nat(3), fc.nat(PAGES - 1)) }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b', undefined), { minLength: 2, maxLength: 4 }),
        fc.constantFrom('none', 'vm', 'domains'),
        fc.constantFrom(64, 1),
        fc.nat(),
        fc.array(op, { maxLength: 60 }),
        (domains, salting, hashBits, seed, ops) => {
          const { machine, vms, engine } = setup(domains, { salting, hashBits }, seed);
          const written = new Map<string, number>();
          /** The domain a VM's pages may be shared in: what salting promises. */
          const domain = (v: number) =>
            salting === 'none' ? '' : salting === 'vm' ? `vm ${v}` : (domains[v] ?? `vm ${v}`);
          for (const o of ops) {
            if ('write' in o) {
              const [v, ppn, content] = o.write;
              const vm = vms[v % vms.length]!;
              machine.write(vm, ppn, content);
              written.set(`${vm}:${ppn}`, content);
            } else if ('scan' in o) engine.scan(o.scan);
            else engine.tryShare(vms[o.tryShare[0] % vms.length]!, o.tryShare[1]);
            // expect() only on a miss: a thousand runs of up to 60 steps make hundreds of thousands of these
            // checks, and calling expect() for each took three quarters of the test's time.
            const domainOfFrame = new Map<number, string>();
            vms.forEach((vm, v) => {
              for (let ppn = 0; ppn < PAGES; ppn++) {
                const contents = machine.peek(vm, ppn);
                if (contents !== (written.get(`${vm}:${ppn}`) ?? 0)) {
                  expect(contents, `vm ${v} page ${ppn}`).toBe(written.get(`${vm}:${ppn}`) ?? 0);
                }
                const frame = machine.frameOf(vm, ppn);
                if (frame === undefined || frame === machine.zeroFrame) continue;
                const owner = domainOfFrame.get(frame) ?? domain(v);
                if (owner !== domain(v)) expect(owner, `frame ${frame} mapped by vm ${v}`).toBe(domain(v));
                domainOfFrame.set(frame, owner);
              }
            });
          }
          checkInvariants(machine);
        },
      ),
      { numRuns: Number(process.env['FC_NUM_RUNS'] ?? 1000) },
    );
  });

  it('names a bad mode by its field', () => {
    const options: Record<string, unknown> = { salting: 'host' };
    expect(() => contentBased.create(options, { random: createRandom(1), emit: () => {} })).toThrow(
      /salting/,
    );
  });
});
