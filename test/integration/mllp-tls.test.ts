/**
 * Real peers: a trust process whose MLLP listener runs TLS with mutual authentication, and
 * `imaging-network send --tls` as the sender, over real TCP. Certificates are made by openssl.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adt, NHS } from '../fixtures/ris/hl7-fixtures.ts';
import { freePort } from '../helpers/orthanc.ts';
import { runCli, waitForHttp, type RunningChild } from '../helpers/child-process.ts';

const CLI = fileURLToPath(new URL('../../bin/imaging-network.js', import.meta.url));

function openssl(dir: string, ...args: string[]) {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

/** A private CA, a server certificate for 127.0.0.1 and a client certificate, all signed by it. */
function makeCertificates(dir: string): void {
  openssl(dir, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=test-ca');
  for (const name of ['server', 'client']) {
    openssl(dir, 'req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    writeFileSync(join(dir, `${name}.ext`), name === 'server' ? 'subjectAltName=IP:127.0.0.1\n' : 'extendedKeyUsage=clientAuth\n');
    openssl(dir, 'x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', '-extfile', `${name}.ext`);
  }
}

describe('MLLP over mutual TLS', () => {
  let dir: string;
  let trust: RunningChild;
  let mllpPort: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mllp-tls-'));
    makeCertificates(dir);
    const httpPort = await freePort();
    mllpPort = await freePort();
    writeFileSync(
      join(dir, 'trust.json'),
      JSON.stringify({
        code: 'RXA',
        name: 'TLS trust',
        http: { port: httpPort },
        mllp: { port: mllpPort, tls: { cert: join(dir, 'server.pem'), key: join(dir, 'server.key'), ca: join(dir, 'ca.pem') } },
        pacs: { dicomweb: 'http://127.0.0.1:9/dicom-web' },
        store: { sqlite: join(dir, 'RXA.db') },
      }),
    );
    writeFileSync(join(dir, 'a04.hl7'), adt('A04', 'TLS-1', { mrn: 'TLS-MRN-1', nhs: NHS.c }));
    trust = runCli(['trust', '--config', join(dir, 'trust.json')]);
    await waitForHttp(`http://127.0.0.1:${httpPort}/healthz`, trust);
  });

  afterAll(async () => {
    await trust?.stop();
  });

  const send = (...flags: string[]) =>
    spawnSync(process.execPath, [CLI, 'send', `127.0.0.1:${mllpPort}`, join(dir, 'a04.hl7'), '--timeout', '5000', ...flags], { encoding: 'utf8' });

  it('accepts a sender with a certificate from the trusted CA', () => {
    const r = send('--tls', '--ca', join(dir, 'ca.pem'), '--cert', join(dir, 'client.pem'), '--key', join(dir, 'client.key'));
    expect(r.stdout).toMatch(/\tAA\tTLS-1\t/);
    expect(r.status).toBe(0);
  });

  it('refuses a sender without a client certificate, and plain TCP, and keeps serving', () => {
    const noCert = send('--tls', '--ca', join(dir, 'ca.pem'));
    expect(noCert.status).not.toBe(0);
    expect(noCert.stdout).not.toMatch(/\tAA\t/);
    const plain = send();
    expect(plain.status).not.toBe(0);
    const again = send('--tls', '--ca', join(dir, 'ca.pem'), '--cert', join(dir, 'client.pem'), '--key', join(dir, 'client.key'));
    expect(again.stdout).toMatch(/\tAA\tTLS-1\t/);
  });
});
