/**
 * TrustReporting on real peers in process: a SQLite store on disk, the audit log, and a simulated
 * RIS over MLLP on real TCP, here over mutual TLS (certificates made by openssl).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { AuditLog } from '../../../../audit/audit-log.ts';
import { encodeStudyId } from '../../../../schema/study-id.ts';
import { startRisReceiver, type RisReceiver } from '../../../../simulator/ris-receiver.ts';
import { parseTrustConfig } from '../../../../subgraphs/trust/config.ts';
import { TrustReporting } from '../../../../subgraphs/trust/reporting/trust-reporting.ts';
import { openTrustStore } from '../../../../subgraphs/trust/store/open-trust-store.ts';
import { type TrustStore } from '../../../../subgraphs/trust/store/trust-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'trust-reporting-'));
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
const caller = { sub: 'rad-1', roles: ['radiologist'], givenName: 'Ann', familyName: 'Reader', gmc: '1234567', trust: 'RH8' };
const ID = encodeStudyId({ trust: 'RXA', kind: 'accession', value: 'ACC1' });

function openStore(name: string): TrustStore {
  const store = openTrustStore(join(dir, `${name}.db`));
  store.transaction((w) => {
    const patientId = w.createPatient({ family: 'TESTPATIENT', nhsNumber: '9990000018' });
    w.addMrn(patientId, 'MRN1');
    w.saveOrder({
      accessionNumber: 'ACC1', patientId, placerOrderNumber: 'PL1', fillerOrderNumber: 'FL1', studyInstanceUid: null, description: 'CT Head',
      bodyPart: null, modality: 'CT', priority: 'ROUTINE', workflowStatus: 'COMPLETED', cancelled: false, status: 'COMPLETED',
      requestedAt: null, scheduledAt: null, performedAt: '2026-04-01T10:00:00Z', appointmentCancelledAt: null, orderMissing: false, procedureCode: null, procedureCodingSystem: null, patientClass: null, onHold: false, didNotAttendAt: null, waitStartedAt: null, cancelledAt: null,
    });
  });
  return store;
}

describe('TrustReporting', () => {
  let ris: RisReceiver;
  const open: Array<{ close(): unknown }> = [];

  beforeAll(async () => {
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=test-ca');
    for (const name of ['server', 'client']) {
      openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
      writeFileSync(join(dir, `${name}.ext`), name === 'server' ? 'subjectAltName=IP:127.0.0.1\n' : 'extendedKeyUsage=clientAuth\n');
      openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', '-extfile', `${name}.ext`);
    }
    const read = (f: string) => readFileSync(join(dir, f));
    ris = await startRisReceiver({ port: 0, tls: { cert: read('server.pem'), key: read('server.key'), ca: read('ca.pem'), requestCert: true, rejectUnauthorized: true } });
  }, 60_000);

  afterAll(async () => {
    for (const o of open.reverse()) await o.close();
    await ris?.close();
  });

  function reporting(name: string, mllp: Record<string, unknown>) {
    const config = parseTrustConfig({
      code: 'RXA', name: 'Test trust', http: { port: 0 }, mllp: { port: 0, ...mllp }, pacs: { dicomweb: 'http://127.0.0.1:9/dicom-web' },
      store: { sqlite: join(dir, `${name}.db`) }, logLevel: 'silent',
    });
    const store = openStore(name);
    const audit = AuditLog.open(join(dir, `${name}-audit.db`));
    const r = new TrustReporting({ config, store, audit, log: pino({ level: 'silent' }) });
    open.push(store, audit, { close: () => r.close() });
    r.start();
    return r;
  }

  it('delivers a report over mutual TLS to mllp.outbound', async () => {
    const r = reporting('tls', { outbound: { port: ris.port, tls: { ca: join(dir, 'ca.pem'), cert: join(dir, 'client.pem'), key: join(dir, 'client.key') } } });
    r.claim(ID, caller);
    const version = r.submit(ID, { text: 'Normal.', status: 'FINAL' }, caller);
    expect(version).toMatchObject({ version: 1, status: 'FINAL', author: '1234567 Reader Ann' });
    const deadline = Date.now() + 20_000;
    let delivery = r.store.networkReports(['ACC1']).get('ACC1')!.get(1)!.delivery;
    while (delivery.status !== 'ACKED' && Date.now() < deadline) {
      await new Promise((res) => setTimeout(res, 100));
      delivery = r.store.networkReports(['ACC1']).get('ACC1')!.get(1)!.delivery;
    }
    expect(delivery.status).toBe('ACKED');
    expect(ris.received().map((o) => o.controlId)).toContain(delivery.controlId);
  });

  it('refuses submitReport with WRITE_BACK_NOT_CONFIGURED when the trust has no mllp.outbound, storing nothing', () => {
    const r = reporting('no-outbound', {});
    r.claim(ID, caller);
    expect(() => r.submit(ID, { text: 'Normal.', status: 'FINAL' }, caller)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'WRITE_BACK_NOT_CONFIGURED' }) }));
    expect(r.store.networkReports(['ACC1']).size).toBe(0);
  });

  it('refuses a report from a token without a GMC number (FORBIDDEN) and a claim on another trust\'s study (BAD_USER_INPUT)', () => {
    const r = reporting('checks', { outbound: { port: 9 } });
    const noGmc = { ...caller, sub: 'rad-2', gmc: '12345' };
    r.claim(ID, noGmc);
    expect(() => r.submit(ID, { text: 'Normal.', status: 'FINAL' }, noGmc)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }));
    expect(() => r.claim(encodeStudyId({ trust: 'RH8', kind: 'accession', value: 'ACC1' }), caller)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }));
    expect(() => r.claim(encodeStudyId({ trust: 'RXA', kind: 'uid', value: '1.2.3' }), caller)).toThrow(/no accession number/);
  });
});
