// Every sweep benchmark in turn: a miss in one (it sets the exit code) still lets the others run.
await import('./local.bench');
await import('./queue.bench');

export {};
