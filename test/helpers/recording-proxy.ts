import type { IncomingHttpHeaders } from 'node:http';
import { startPassThroughProxy } from '../../bench/pass-through-proxy.ts';

/**
 * A transparent HTTP proxy in front of a real peer (a PACS, a trust) that records each request's
 * method, path, headers and body (as text, once it has passed), so a test can see what reached
 * the peer, as an attacker on the path would. Answers pass through untouched.
 */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RecordingProxy {
  url: string;
  requests(): RecordedRequest[];
  close(): Promise<void>;
}

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const seen: RecordedRequest[] = [];
  const proxy = await startPassThroughProxy(target, (req) => {
    const record: RecordedRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: { ...req.headers }, body: '' };
    seen.push(record);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => (record.body = Buffer.concat(chunks).toString('utf8')));
  });
  return { url: proxy.url, requests: () => [...seen], close: () => proxy.close() };
}
