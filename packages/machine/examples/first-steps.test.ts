import { afterEach, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.restoreAllMocks();
});

// The README's machine snippet, run as a user would run it: it must work, and say what its comments say.
it('the first-steps example runs and prints what its comments promise', async () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  await import('./first-steps');
  expect(log.mock.calls).toEqual([['web page 7 holds 42'], ['trap: db page 3 read']]);
});
