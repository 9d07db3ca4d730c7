import { checkInvariants, createMachine } from '@hvsim/machine';
import { parsePages } from '@hvsim/spec';

const machine = createMachine({ frames: parsePages('1GiB'), swapSlots: parsePages('2GiB') });
const web = machine.addVm({ name: 'web', pages: parsePages('512MiB'), overheadFrames: parsePages('8MiB') });
const db = machine.addVm({ name: 'db', pages: parsePages('512MiB') });

machine.write(web, 7, 42); // content ids stand for page contents; a first touch zero-fills a frame
machine.write(db, 3, 42);
machine.share(web, 7, db, 3); // full compare, then one copy-on-write frame for both
machine.write(db, 3, 99); // copy-on-write break: web still reads 42
machine.swapOut(web, 7); // asynchronous: the frame is freed when the write completes
machine.advanceTo(machine.now + machine.costs.swapOutLatency);
console.log(`web page 7 holds ${machine.read(web, 7)}`); // 42 again, after a swap-in charged to web's clock

const channel = machine.traps.register('sampler', (vm, ppn, write) => {
  // called on the next access to an armed page; traps are one-shot
  console.log(`trap: ${machine.vmName(vm)} page ${ppn} ${write ? 'written' : 'read'}`);
});
machine.traps.arm(channel, db, 3);
machine.read(db, 3); // fires the trap: "trap: db page 3 read"
checkInvariants(machine); // conservation, partition, refcount = mappers, swap slots = swapped pages, …
