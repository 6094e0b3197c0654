/** Runs a stepwise job to its end at once, for callers that can afford to block. */
export function runToEnd<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * Runs a stepwise job, giving the event loop back whenever a slice of `sliceMs` has passed, so
 * that long work (indexing or validating thousands of sections) never holds up the answers
 * running beside it for longer than about one slice.
 */
export async function runInSlices<T>(steps: Generator<void, T>, sliceMs = 5): Promise<T> {
  let sliceStart = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - sliceStart >= sliceMs) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
}
