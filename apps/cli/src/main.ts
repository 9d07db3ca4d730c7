#!/usr/bin/env node
import { HvsimError } from '@hvsim/spec';
import { main } from './cli';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // A mistake in the input gets its message, never a stack trace; anything else is a bug and shows one.
    if (error instanceof HvsimError) {
      process.stderr.write(`hvsim: ${error.message}\n`);
      process.exitCode = 2;
    } else throw error;
  },
);
