// Every host benchmark in turn: a miss in one (it sets the exit code) still lets the others run.
await import('./host.bench');
await import('./detector-overhead.bench');
await import('./esx-stack.bench');
await import('./cmm2-overhead.bench');

export {};
