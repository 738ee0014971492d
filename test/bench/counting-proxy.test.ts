import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCountingProxy, type CountingProxy } from '../../bench/counting-proxy.ts';

let peer: Server;
let proxy: CountingProxy;

beforeAll(async () => {
  peer = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`peer saw ${req.method} ${req.url}`);
  });
  await new Promise<void>((resolve) => peer.listen(0, '127.0.0.1', resolve));
  proxy = await startCountingProxy(`http://127.0.0.1:${(peer.address() as AddressInfo).port}/dicom-web`);
});
afterAll(async () => {
  await proxy.close();
  await new Promise<void>((resolve) => peer.close(() => resolve()));
});

describe('startCountingProxy', () => {
  it('forwards to the peer and counts each request with its path', async () => {
    const a = await fetch(`${proxy.url}/dicom-web/studies?AccessionNumber=A1`);
    expect(await a.text()).toBe('peer saw GET /dicom-web/studies?AccessionNumber=A1');
    await (await fetch(`${proxy.url}/dicom-web/series`, { method: 'POST', body: 'x' })).text();
    expect(proxy.count()).toBe(2);
    expect(proxy.paths()).toEqual(['GET /dicom-web/studies?AccessionNumber=A1', 'POST /dicom-web/series']);
  });
  it('starts again from zero after reset', async () => {
    proxy.reset();
    expect(proxy.count()).toBe(0);
    await (await fetch(`${proxy.url}/x`)).text();
    expect(proxy.count()).toBe(1);
  });
});
