import { writeFile } from 'node:fs/promises';
import { describeIoError, HvsimError } from '@hvsim/spec';

/** Writes one output file; a failure is an HvsimError naming the path and why, in words (`cannot write ${what}`). */
export async function writeOutput(path: string, content: string | Uint8Array, what: string): Promise<void> {
  try {
    await writeFile(path, content);
  } catch (error) {
    throw new HvsimError('output-write-failed', `cannot write ${what}: ${describeIoError(error)}`, path);
  }
}
