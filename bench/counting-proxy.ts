import { startPassThroughProxy } from './pass-through-proxy.ts';

/**
 * An HTTP proxy in front of a real peer (a trust, a PACS) that counts the requests passing
 * through, so the batching benchmark counts what a query costs on the wire without touching the
 * peer.
 */
export interface CountingProxy {
  /** Base URL: `http://127.0.0.1:<port>` (append the peer's path). */
  url: string;
  /** Requests seen since the last reset. */
  count(): number;
  /** Request paths seen since the last reset (for the report when counts look wrong). */
  paths(): string[];
  reset(): void;
  close(): Promise<void>;
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  let seen: string[] = [];
  const proxy = await startPassThroughProxy(target, (req) => void seen.push(`${req.method ?? 'GET'} ${req.url ?? '/'}`));
  return {
    url: proxy.url,
    count: () => seen.length,
    paths: () => [...seen],
    reset: () => void (seen = []),
    close: () => proxy.close(),
  };
}
