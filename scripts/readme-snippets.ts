/**
 * The README's code blocks that are copies of files in the repository: each follows a marker line
 * `<!-- snippet: path/to/file -->` and must equal that file byte for byte, so what the README shows is what
 * CI type-checks and runs (checked by readme-snippets.test.ts).
 */

export interface Snippet {
  /** The file the block copies, relative to the repository root. */
  readonly path: string;
  /** The block's text, without its fences, each line ending in a newline. */
  readonly code: string;
  /** Line of the marker in the README (1-based), for messages. */
  readonly line: number;
}

const MARKER = /^<!-- snippet: (\S+) -->$/;
const FENCE = /^```/;

/** Every marked block of a Markdown text; a marker not followed by a closed fenced block throws. */
export function readmeSnippets(markdown: string): Snippet[] {
  const lines = markdown.split('\n');
  const snippets: Snippet[] = [];
  lines.forEach((text, i) => {
    const path = MARKER.exec(text)?.[1];
    if (path === undefined) return;
    if (!FENCE.test(lines[i + 1] ?? '')) {
      throw new Error(`line ${i + 1}: expected a fenced code block right after the marker of ${path}`);
    }
    const end = lines.findIndex((line, k) => k > i + 1 && FENCE.test(line));
    if (end === -1) throw new Error(`line ${i + 2}: the code block of ${path} is never closed`);
    const code = lines.slice(i + 2, end).map((line) => `${line}\n`);
    snippets.push({ path, code: code.join(''), line: i + 1 });
  });
  return snippets;
}
