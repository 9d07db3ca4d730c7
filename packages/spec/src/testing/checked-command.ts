import type fc from 'fast-check';

/**
 * Commands for a model-based test (`fc.commands` / `fc.modelRun`) that all end the same way: `step(label,
 * body)` runs `body` on the model and the real system, then `check` on both — the invariants and the
 * reference comparison every step of the test must keep. Always applicable; `label` names it in a
 * counterexample.
 */
export function checkedCommands<Model extends object, Real>(check: (model: Model, real: Real) => void) {
  return (label: string, body: (model: Model, real: Real) => void): fc.Command<Model, Real> => ({
    check: () => true,
    run(model, real) {
      body(model, real);
      check(model, real);
    },
    toString: () => label,
  });
}
