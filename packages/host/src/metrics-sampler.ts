import type { Machine } from '@hvsim/machine';
import type { CreditsSharers, SimTime } from '@hvsim/spec';
import type { MetricsRecorder } from './metrics-recorder';
import { chargedPages, creditOf, type VmSlot } from './vm-slot';

/**
 * Records one row of metrics every interval: per VM what it holds and how fast it ran since the last row;
 * host free memory. A miniature's pages, ops and faults are scaled back (`up`) to the full host's; the
 * guest's disk requests already count those their requests stand for, and a detector's checks are as many
 * as at full size.
 */
export class MetricsSampler {
  constructor(
    readonly recorder: MetricsRecorder,
    readonly machine: Machine,
    readonly interval: SimTime,
    readonly scale: number,
    readonly credits: CreditsSharers | undefined,
  ) {}

  sample(t: SimTime, running: readonly VmSlot[]): void {
    const { recorder: m, machine, scale } = this;
    const up = (n: number) => n * scale;
    m.beginRow(t);
    const seconds = this.interval / 1e9;
    for (const slot of running) {
      const name = slot.config.name;
      const runner = slot.runner!;
      const p = machine.pagePartition(runner.vm);
      const c = machine.counters(runner.vm);
      const g = runner.guest.counters();
      const credit = creditOf(this.credits, runner.vm);
      m.record('allocated', 'pages', name, up(chargedPages(machine, runner.vm, credit)));
      m.record('target', 'pages', name, up(slot.target ?? slot.config.pages));
      m.record('shared', 'pages', name, up(p.shared));
      m.record('swapped', 'pages', name, up(p.swapped));
      m.record('ballooned', 'pages', name, up(p.ballooned));
      m.record('compressed', 'pages', name, up(p.compressed));
      m.record('throughput', 'ops/s', name, up(g.ops - slot.lastOps) / seconds);
      m.record('faults', 'faults/s', name, up(c.slowAccesses - slot.lastSlow) / seconds);
      m.record('host-swap-ins', 'pages/s', name, up(c.swapIns - slot.lastSwapIns) / seconds);
      m.record('guest-swap-ins', 'pages', name, up(g.guestSwapIns));
      m.record('guest-swap-outs', 'pages', name, up(g.guestSwapOuts));
      m.record('double-paging', 'pages', name, up(g.doublePagings));
      m.record('disk-reads', 'requests', name, g.diskReads);
      if (this.credits) m.record('credit', 'pages', name, up(credit));
      if (slot.detector) {
        m.record('active-estimate', 'pages', name, up(slot.detector.estimate().activePages));
        m.record('detector-checks', 'pages', name, slot.detector.checks ?? 0);
      }
      for (const o of slot.observers) {
        m.record(`active-estimate:${o.label}`, 'pages', name, up(o.detector.estimate().activePages));
        m.record(`detector-checks:${o.label}`, 'pages', name, o.detector.checks ?? 0);
      }
      slot.lastOps = g.ops;
      slot.lastSlow = c.slowAccesses;
      slot.lastSwapIns = c.swapIns;
    }
    const frames = machine.framePartition();
    m.record('free', 'pages', undefined, up(frames.free));
    m.record('shared-frames', 'pages', undefined, up(frames.shared));
    m.record('swap-used', 'pages', undefined, up(machine.usedSwapSlots));
  }
}
