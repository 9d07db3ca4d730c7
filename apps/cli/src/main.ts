#!/usr/bin/env node
import { HvsimError } from '@hvsim/spec';
import { main } from './cli';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // main() tells a bug as one itself; what reaches here is a mistake in the input: its message, no stack.
    if (error instanceof HvsimError) {
      process.stderr.write(`hvsim: ${error.message}\n`);
      process.exitCode = 2;
    } else throw error;
  },
);
