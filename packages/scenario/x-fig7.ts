import { createHost } from '@hvsim/host';
import { parseScenario } from './src/index';

const [files, alpha, think, req, reserved] = [
  process.env.FILES ?? '1200',
  process.env.ALPHA ?? '0.6',
  process.env.THINK ?? '2ms',
  process.env.REQ ?? '64KiB',
  process.env.RES ?? '130MiB',
];
const yaml = `
name: fig7
seed: ${process.env.SEED ?? 1}
duration: ${process.env.DUR ?? '65min'}
host: { memory: 512MiB, reserved: ${reserved}, swap: 1GiB, metricInterval: 5s }
vms:
  - name: win
    memory: 256MiB
    guest: { kind: windows, bootTime: 60s }
    workload: { kind: idle }
    detector: sampling
  - name: linux
    memory: 256MiB
    powerOn: 312s
    guest: { kind: linux, bootTime: 20s, kernel: 0.02 }
    workload: { kind: file-server, files: ${files}, fileSize: 256KiB, alpha: ${alpha}, think: ${think}, requestSize: ${req}, readFraction: ${process.env.READ ?? 0.7} }
    detector: sampling
policies:
  stack: esx
  allocation: { kind: idle-tax, tau: [{ from: 0s, tau: 0 }, { from: 31min, tau: 0.75 }] }
`;
const { host: config, duration } = await parseScenario(yaml, 'x');
const host = createHost(config);
const t0 = Date.now();
host.run(duration);
const m = host.metrics();
const get = (name: string, vm?: string) => m.series.find((s) => s.name === name && s.vm === vm)!.values;
const mib = (p: number) => (p / 256).toFixed(0);
const a1 = get('allocated', 'win'),
  a2 = get('allocated', 'linux'),
  e1 = get('active-estimate', 'win');
const e2 = get('active-estimate', 'linux'),
  tp = get('throughput', 'linux'),
  free = get('free');
const t1 = get('target', 'win'),
  t2 = get('target', 'linux');
for (let i = 0; i < m.times.length; i += Number(process.env.STEP ?? 24)) {
  console.log(
    `${(m.times[i]! / 60e9).toFixed(1)}m a=${mib(a1[i]!)}/${mib(a2[i]!)} t=${mib(t1[i]!)}/${mib(t2[i]!)} act=${mib(e1[i]!)}/${mib(e2[i]!)} free=${mib(free[i]!)} tp=${tp[i]!.toFixed(0)}`,
  );
}
const avg = (v: Float64Array, from: number, to: number) => {
  let s = 0,
    n = 0;
  m.times.forEach((t, i) => {
    if (t >= from * 60e9 && t < to * 60e9) {
      s += v[i]!;
      n++;
    }
  });
  return s / n;
};
console.log(
  `tau0 [15,30]: ${mib(avg(a1, 15, 30))}/${mib(avg(a2, 15, 30))} act2 ${mib(avg(e2, 15, 30))} tp ${avg(tp, 15, 30).toFixed(0)}`,
);
console.log(
  `tau.75 [40,65]: ${mib(avg(a1, 40, 65))}/${mib(avg(a2, 40, 65))} act2 ${mib(avg(e2, 40, 65))} tp ${avg(tp, 40, 65).toFixed(0)} ratio ${(avg(tp, 40, 65) / avg(tp, 15, 30)).toFixed(3)}`,
);
console.log('wall', Date.now() - t0, 'ms', host.stats().ops);
const switchAt = 31 * 60e9;
const when = (pred: (i: number) => boolean) => {
  for (let i = 0; i < m.times.length; i++)
    if (m.times[i]! > switchAt && pred(i)) return ((m.times[i]! - switchAt) / 60e9).toFixed(2);
  return 'never';
};
console.log(
  `VM1<=109 after ${when((i) => a1[i]! <= 109 * 256)} min; VM2>=235 after ${when((i) => a2[i]! >= 235 * 256)} min`,
);
if (process.env.DEBUG) {
  const sw1 = get("swapped","win"), b1 = get("ballooned","win"), b2 = get('ballooned','linux'), s2 = get('swapped','linux');
  for (let i = 60; i < 80; i += 1) console.log(`${(m.times[i]! / 60e9).toFixed(2)}m a=${mib(a1[i]!)}/${mib(a2[i]!)} b=${mib(b1[i]!)}/${mib(b2[i]!)} sw=${mib(sw1[i]!)}/${mib(s2[i]!)} free=${(free[i]!/256).toFixed(1)}`);
  console.log(host.events.filter((e) => e.kind === 'state-change' && e.time < 20*60e9).map((e) => `${(e.time/60e9).toFixed(2)} ${JSON.stringify(e.data)}`).join('\n'));
}
{
  const mAt = (arr: Float64Array, minute: number) => { let r = 0; while (r + 1 < m.times.length && m.times[r + 1]! <= minute * 60e9) r++; return arr[r]! / 256; };
  const mins: number[] = []; for (let x = 31; x <= 65; x += 1 / 12) mins.push(x);
  const ok = (x: number) => Math.abs(mAt(a1, x) - 101) <= 8 && Math.abs(mAt(a2, x) - 243) <= 8;
  const first = mins.findIndex((_, i) => mins.slice(i).every(ok));
  console.log('CONV', first === -1 ? 'never' : (mins[first]! - 31).toFixed(2));
}
