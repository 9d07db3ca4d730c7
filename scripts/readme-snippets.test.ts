import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readmeSnippets } from './readme-snippets';

const root = resolve(import.meta.dirname, '..');
const readme = readFileSync(resolve(root, 'README.md'), 'utf8');

describe("the README's code blocks", () => {
  const snippets = readmeSnippets(readme);

  it('copy the example files that CI type-checks and runs', () => {
    expect(snippets.map((s) => s.path)).toEqual([
      'examples/sweeps/overcommit.yaml',
      'examples/plugin/src/bursty.ts',
      'examples/plugin/src/proportional-share.ts',
      'examples/plugin/scenario.yaml',
      'packages/machine/examples/first-steps.ts',
    ]);
  });

  it.each(snippets.map((s) => [s.path, s] as const))('%s is identical to its file', (path, snippet) => {
    expect(snippet.code, `README.md line ${snippet.line}`).toBe(readFileSync(resolve(root, path), 'utf8'));
  });
});

describe('readmeSnippets', () => {
  it('takes the fenced block after each marker, with its lines', () => {
    const text =
      'intro\n<!-- snippet: a.ts -->\n```ts\nconst a = 1;\n\nexport { a };\n```\nmore\n```sh\nls\n```\n';
    expect(readmeSnippets(text)).toEqual([
      { path: 'a.ts', code: 'const a = 1;\n\nexport { a };\n', line: 2 },
    ]);
  });

  it('names a marker without a block, and a block never closed', () => {
    expect(() => readmeSnippets('<!-- snippet: a.ts -->\ntext\n')).toThrow(
      'line 1: expected a fenced code block right after the marker of a.ts',
    );
    expect(() => readmeSnippets('<!-- snippet: b.yaml -->\n```yaml\nx: 1\n')).toThrow(
      'line 2: the code block of b.yaml is never closed',
    );
  });
});
