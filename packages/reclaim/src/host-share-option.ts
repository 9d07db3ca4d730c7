import { z } from 'zod';

/** An option giving a share of host memory, strictly between 0 and 1 (a free-memory threshold). */
export const hostShareOption = (what: string, fallback: number) =>
  z.number().gt(0).lt(1).default(fallback).describe(`${what} (share of host memory, default ${fallback})`);
