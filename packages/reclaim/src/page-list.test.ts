import { expect, it } from 'vitest';
import { PageList } from './page-list';

/** The pages listed, oldest first, by taking them from the front. */
function drain(list: PageList): number[] {
  const pages: number[] = [];
  for (let ppn = list.first(); ppn !== -1; ppn = list.first()) {
    pages.push(ppn);
    list.remove(ppn);
  }
  return pages;
}

it('keeps pages oldest first; appending a listed page moves it to the end', () => {
  const list = new PageList(8);
  expect(list.first()).toBe(-1);
  for (const ppn of [3, 0, 7, 5]) list.append(ppn);
  expect(list.first()).toBe(3);
  list.append(3);
  list.remove(7);
  list.remove(6); // not listed: nothing happens
  expect(drain(list)).toEqual([0, 5, 3]);
  list.append(7);
  expect(drain(list)).toEqual([7]);
});
