import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const RUN_TS = fileURLToPath(new URL('../bin/run-ts.js', import.meta.url));

/**
 * A server under test in its own process. On two cores, a server sharing the load generator's
 * event loop (or another server's) would have its CPU time counted against it; a child process
 * also gives its own RSS and its own CPU profile.
 */
export interface ChildServer<Ready> {
  name: string;
  pid: number;
  /** What the child announced when it was ready (its URL, ports…). */
  ready: Ready;
  /** The child's last output, for error messages. */
  output(): string;
  /** SIGTERM, then waits for a clean exit (a `--cpu-prof` profile is written at exit); SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface ChildServerOptions {
  /** Extra `node` flags, e.g. `--cpu-prof`. */
  nodeFlags?: readonly string[];
  /** Longest wait for the ready message. @default 60000 */
  startTimeoutMs?: number;
}

const OUTPUT_KEPT = 8_000;

/**
 * Every child runs with production defaults and with vendor telemetry off: @apollo/gateway
 * otherwise exports usage metrics to Apollo and probes cloud metadata addresses (AWS, GCP, Azure
 * resource detectors) at start. The bench sends traffic to loopback only.
 */
const NO_PHONING_HOME: Record<string, string> = {
  NODE_ENV: 'production',
  APOLLO_TELEMETRY_DISABLED: 'true',
  METADATA_SERVER_DETECTION: 'none',
  OTEL_SDK_DISABLED: 'true',
};
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

/**
 * Starts `entry` (a `bench/servers/*.ts` file, path relative to this folder) with `args` as JSON
 * in argv, and resolves once it sends `{ ready: … }` over IPC (see servers/server-lifecycle.ts).
 */
export function startChildServer<Ready>(name: string, entry: string, args: unknown, options: ChildServerOptions = {}): Promise<ChildServer<Ready>> {
  const file = fileURLToPath(new URL(entry, import.meta.url));
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), RUN_TS, file, JSON.stringify(args)], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, ...NO_PHONING_HOME },
  });
  children.add(child);
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-OUTPUT_KEPT);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => {
    children.delete(child);
    resolve();
  }));

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} not ready within ${options.startTimeoutMs ?? 60_000} ms\n${out}`));
    }, options.startTimeoutMs ?? 60_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before it was ready (code ${code}, signal ${signal})\n${out}`));
    });
    child.on('message', (message: unknown) => {
      const m = message as { ready?: Ready; failed?: string };
      if (m.failed !== undefined) {
        clearTimeout(timer);
        reject(new Error(`${name} failed to start: ${m.failed}`));
        return;
      }
      if (m.ready === undefined) return;
      clearTimeout(timer);
      resolve({
        name,
        pid: child.pid!,
        ready: m.ready,
        output: () => out,
        async stop(graceMs = 10_000) {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
          await exited;
          clearTimeout(kill);
        },
      });
    });
  });
}
