/**
 * Progress lines on stderr (stdout stays for the results table). Timestamps are seconds since the
 * run started, so a slow step shows where the 10-minute budget went.
 */
const started = performance.now();

export function progress(message: string): void {
  const seconds = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[bench ${seconds}s] ${message}\n`);
}
