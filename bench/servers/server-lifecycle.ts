/**
 * The child side of bench/child-server.ts: read the JSON arguments, start, announce readiness over
 * IPC, and on SIGTERM close and exit normally, so that `--cpu-prof` writes its profile (it is only
 * written on a normal exit). A child whose parent went away (IPC disconnected) exits too: a bench
 * interrupted with ^C leaves no servers behind.
 */
export function serverArgs<T>(): T {
  const raw = process.argv[2];
  if (raw === undefined) throw new Error('expected the server arguments as JSON in argv');
  return JSON.parse(raw) as T;
}

export async function runServer<Ready>(start: () => Promise<{ ready: Ready; close(): Promise<void> }>): Promise<void> {
  if (!process.send) throw new Error('bench servers run as children of bench/run.ts (IPC channel expected)');
  let running: { close(): Promise<void> } | undefined;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    try {
      await running?.close();
    } finally {
      process.exit(0);
    }
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
  process.once('disconnect', () => void stop());
  try {
    const started = await start();
    running = started;
    process.send({ ready: started.ready });
  } catch (err) {
    process.send({ failed: err instanceof Error ? err.stack ?? err.message : String(err) }, () => process.exit(1));
  }
}
