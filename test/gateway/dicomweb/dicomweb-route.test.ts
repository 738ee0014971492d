/**
 * The gateway's DICOMweb route in process, in front of a small HTTP server that stands in for a
 * trust's pass-through and counts what reaches it: no audit, no data (the entry is written
 * before the trust is asked, and a failed write serves nothing).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { AuditLog, type AuditEntry } from '../../../audit/audit-log.ts';
import { createDicomwebRoute } from '../../../gateway/dicomweb/dicomweb-route.ts';
import { ViewerTokens } from '../../../gateway/dicomweb/viewer-token.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => (s.closeAllConnections(), s.close(r)));
});

async function listen(handler: (req: IncomingMessage, res: import('node:http').ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function setup(audit: Pick<AuditLog, 'append'>) {
  const seen: string[] = [];
  const trust = await listen((req, res) => {
    seen.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'application/dicom+json' });
    res.end('[]');
  });
  const route = createDicomwebRoute({
    trusts: new Map([['RXA', { url: `${trust}/graphql` }]]),
    viewerTokens: new ViewerTokens(60),
    audit: audit as AuditLog,
    timeoutMs: 2000,
    log: pino({ level: 'silent' }),
  });
  const gateway = await listen((req, res) => void route(req, res));
  return { seen, gateway };
}

describe('DICOMweb route: audit before bytes', () => {
  it('asks the trust only after the audit entry is durable', async () => {
    let release!: () => void;
    const appended: AuditEntry[][] = [];
    const { seen, gateway } = await setup({
      append: (entries) => {
        appended.push([...entries]);
        return new Promise<void>((r) => (release = r));
      },
    });
    const pending = fetch(`${gateway}/dicom-web/RXA/studies/1.2.3/series`);
    while (appended.length === 0) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual([]);
    release();
    const res = await pending;
    expect(res.status).toBe(200);
    expect(seen).toEqual(['/dicom-web/studies/1.2.3/series']);
    expect(appended[0]![0]).toMatchObject({ where: 'gateway', dataTrust: 'RXA', studyId: '1.2.3', operationName: 'DICOMweb QIDO-RS series search: studies/1.2.3/series' });
  });

  it('serves nothing when the audit log cannot be written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'route-audit-'));
    const log = AuditLog.open(join(dir, 'audit.db'));
    log.close();
    const { seen, gateway } = await setup(log);
    const res = await fetch(`${gateway}/dicom-web/RXA/studies/1.2.3`);
    expect(res.status).toBe(503);
    expect(seen).toEqual([]);
  });
});
