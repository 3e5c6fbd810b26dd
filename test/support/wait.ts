// The one polling helper of the test suites: wait for a condition, never for a fixed time.
// A probe that throws or returns a falsy value is tried again until the deadline; the error
// then names what was awaited and the last failure, so a slow machine fails with a reason.

export interface WaitOptions {
  /** Give up after this long (default 30 s: long enough for a loaded machine, short enough to fail). */
  timeoutMs?: number;
  /** Pause between probes (default 50 ms). */
  intervalMs?: number;
}

/**
 * Resolves with the first truthy value `probe` returns. A probe that throws counts as "not
 * yet"; its last error is reported on timeout (so `assert` calls inside a probe work).
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  options: WaitOptions | number = {},
): Promise<T> {
  const { timeoutMs = 30_000, intervalMs = 50 } =
    typeof options === 'number' ? { timeoutMs: options } : options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      lastError = undefined;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() >= deadline) {
      const why =
        lastError instanceof Error ? `: ${lastError.message}` : lastError ? `: ${String(lastError)}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Waits until `check` stops throwing (assertions inside it), then returns. */
export async function eventually(
  what: string,
  check: () => void | Promise<void>,
  options?: WaitOptions | number,
): Promise<void> {
  await waitFor(
    what,
    async () => {
      await check();
      return true;
    },
    options,
  );
}
