import { formatSi, formatTable } from '@hvsim/report';
import { countOf, formatTime } from '@hvsim/spec';
import type { RunStory, StoryComparison, Throughput } from './run-story';

const sizeText = (mib: number) => `${Number(mib.toFixed(1))} MiB`;
/** Simulated seconds as hvsim says a time: `1.1 s`, `300 ms`. */
export const secondsText = (seconds: number) => formatTime(seconds * 1e9);
const opsText = (rate: number) => formatSi(rate, '');
const mibCell = (mib: number) => mib.toFixed(1);
/** A share as a percentage: `2%`. */
export const percentText = (share: number) => `${Number((100 * share).toFixed(2))}%`;

/** `1.02 M → 1.2 k ops/s`, or `1.02 M ops/s` over a whole run. */
const throughputText = ({ before, after }: Throughput) =>
  after === undefined ? `${opsText(before)} ops/s` : `${opsText(before)} → ${opsText(after)} ops/s`;

/** Names and figures in two aligned columns, indented under a sentence. */
const aligned = (rows: readonly (readonly [string, string])[]): string[] => {
  const width = Math.max(...rows.map(([name]) => name.length));
  return rows.map(([name, text]) => `    ${name.padEnd(width)}  ${text}`);
};

/**
 * A run's story in words, each number from the run: when memory filled, throughput before and after, what
 * went to host swap, the balloons and sharing, and double paging.
 */
export function formatStory(label: string, story: RunStory): string {
  const full = `${sizeText(story.fullBelow * story.hostMiB)} (${percentText(story.fullBelow)} of the host's ${sizeText(story.hostMiB)})`;
  const lowest = sizeText(story.lowestFree.mib);
  const lines = [`${label}: ${story.scenario}`];
  lines.push(
    story.filledAt === undefined
      ? `  Memory never filled: free memory stayed above ${full}; the least was ${lowest}, at ${secondsText(story.lowestFree.at)}.`
      : `  Memory filled at ${secondsText(story.filledAt)}: free memory fell to ${full} or less, and as low as ${lowest}.`,
  );
  const split = story.splitAt;
  lines.push(
    split === undefined
      ? '  Throughput over the run:'
      : `  Throughput before and after ${secondsText(split)}${split === story.filledAt ? '' : ' (when memory filled in the run it is compared with)'}:`,
    ...aligned([
      ...story.vms.map((vm) => [vm.name, throughputText(vm.throughput)] as const),
      ['all VMs', throughputText(story.total)],
    ]),
  );
  const held = [`Host swap held at most ${sizeText(story.swapMiB)}`];
  if (story.balloonedMiB > 0) held.push(`the balloons at most ${sizeText(story.balloonedMiB)}`);
  if (story.sharingSavedMiB > 0) held.push(`sharing saved at most ${sizeText(story.sharingSavedMiB)}`);
  lines.push(`  ${held.join('; ')}.`);
  const paged = story.vms.filter((vm) => vm.doublePaging > 0);
  lines.push(
    story.doublePaging.pages === 0
      ? '  No page was paged twice.'
      : `  Double paging: guests paged out ${countOf(story.doublePaging.pages, 'page')} (${sizeText(story.doublePaging.mib)}) the host had already swapped (${paged.map((vm) => `${vm.name} ${vm.doublePaging}`).join(', ')}).`,
  );
  return lines.join('\n');
}

/**
 * Two runs side by side in a sentence and a table: throughput after the first run's memory filled, host
 * swap, double paging, balloons and sharing.
 */
export function formatComparison(comparison: StoryComparison): string {
  const [first, second] = comparison.labels;
  const { splitAt, total, swapMiB, doublePagingPages } = comparison;
  const when = splitAt === undefined ? 'over the run' : `after ${secondsText(splitAt)}`;
  const ratio = total[1] / total[0];
  const against =
    total[0] > 0
      ? `${ratio >= 10 ? Math.round(ratio).toLocaleString('en') : ratio.toFixed(1)}× the ${opsText(total[0])} ops/s of ${first}`
      : `against 0 ops/s with ${first}`;
  const rows = [
    ...comparison.vms.map((vm) => [`${vm.name} (ops/s)`, ...vm.throughput.map(opsText)]),
    ['all VMs (ops/s)', ...total.map(opsText)],
    ['host swap, most (MiB)', ...swapMiB.map(mibCell)],
    ['double paging (pages)', ...doublePagingPages.map(String)],
    ['double paging (MiB)', ...comparison.doublePagingMiB.map(mibCell)],
    ['balloons, most (MiB)', ...comparison.balloonedMiB.map(mibCell)],
    ['sharing saved, most (MiB)', ...comparison.sharingSavedMiB.map(mibCell)],
  ];
  const table = formatTable(
    rows.map(([name, a, b]) => ({ [when]: name!, [first]: a!, [second]: b! })),
    { align: { [first]: 'right', [second]: 'right' } },
  );
  return [
    splitAt === undefined
      ? `Compared over the whole runs (memory never filled with ${first}):`
      : `Compared after ${secondsText(splitAt)}, when memory filled with ${first}:`,
    `  ${second}: all VMs ran at ${opsText(total[1])} ops/s, ${against};`,
    `  host swap held at most ${sizeText(swapMiB[1])} against ${sizeText(swapMiB[0])}, and ${countOf(doublePagingPages[1], 'page was', 'pages were')} paged twice against ${doublePagingPages[0]}.`,
    '',
    table.trimEnd(),
  ].join('\n');
}
