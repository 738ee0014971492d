/**
 * Polls `probe` every 100 ms until it answers something other than undefined, and returns that;
 * throws naming `what` once `timeoutMs` has passed. Tests wait on outcomes, never on timings.
 */
export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
