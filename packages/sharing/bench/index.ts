// Every sharing benchmark in turn: a miss in one (it sets the exit code) still lets the others run.
await import('./content-based.bench');
await import('./ksm.bench');
await import('./satori-read.bench');

export {};
