import http from 'node:http';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { startOrthancProcess } from '../../simulator/orthanc-process.ts';
import { simInstanceDataSet, writeDicomPart10 } from '../../simulator/dicom-part10-writer.ts';
import { imagePixelElements } from '../../simulator/synthetic-image.ts';
import { generateHistory, RH8_PROFILE } from '../../simulator/index.ts';
import { startChildServer } from '../child-server.ts';
import { markdownTable } from '../markdown-table.ts';
import { progress } from '../progress.ts';
import { startRssSampler } from '../rss-sampler.ts';
import { formatSpread, spreadOf } from '../stats.ts';
import type { SectionContext, SectionReport } from './section-report.ts';

const JWT_SECRET = 'bench-only-hs256-secret-0123456789abcdef';
const GATEWAY_SECRET = 'bench-only-gateway-secret-0123456789';
const ISSUER = 'imaging-network-bench';
const AUDIENCE = 'imaging-network';
/** Pixels per side of one large instance: 8192² × 2 bytes = 128 MiB of pixel data. */
const SIDE = 8192;
const INSTANCE_MIB = (SIDE * SIDE * 2) / 2 ** 20;
/** The gateway's peak RSS while a 1 GB study streams should stay bounded (not grow with the study). */
export const IMAGES_RSS_TARGET_MIB = 300;

/** Reads a whole answer, counting bytes without keeping them; resolves with bytes and seconds. */
function drain(url: string, headers: Record<string, string>, agent: http.Agent): Promise<{ bytes: number; seconds: number; status: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers, agent }, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => resolve({ bytes, seconds: (performance.now() - started) / 1000, status: res.statusCode ?? 0 }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** POSTs one Part 10 file to Orthanc's REST API. */
function upload(base: string, file: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}/instances`, { method: 'POST', headers: { 'content-type': 'application/dicom', 'content-length': file.length } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`Orthanc refused an instance: HTTP ${res.statusCode} ${text.slice(0, 200)}`))));
    });
    req.on('error', reject);
    req.end(file);
  });
}

/**
 * Issue #13: WADO-RS retrieve of a whole study (multipart/related, PS3.18 10.4) from Orthanc
 * directly and through the gateway (gateway → trust pass-through → Orthanc, both hops streamed),
 * with the gateway's peak RSS while it streams. The study is a few large instances (8192 × 8192
 * MONOCHROME2 16-bit, 128 MiB each) so it is quick to make and store.
 */
export async function runImages(ctx: SectionContext): Promise<SectionReport> {
  const instances = Math.max(1, Math.round(ctx.durations.imagesStudyMiB / INSTANCE_MIB));
  const study = generateHistory(RH8_PROFILE, { seed: 13, days: 4, studiesPerDay: 6, now: ctx.now }).studies[0]!;
  const series = { ...study.series[0]!, instanceCount: instances };
  const orthanc = await startOrthancProcess({ storageDir: join(ctx.tmpDir, 'images-orthanc'), name: 'bench-images', config: { SyncStorageArea: false } });
  const stops: Array<() => Promise<void>> = [() => orthanc.stop()];
  try {
    progress(`images: storing a ${(instances * INSTANCE_MIB).toFixed(0)} MiB study (${instances} × ${INSTANCE_MIB} MiB instances) in Orthanc`);
    const pixels = Buffer.alloc(SIDE * SIDE * 2);
    for (let i = 0; i < pixels.length; i += 2) pixels.writeUInt16LE((i >> 1) & 0x0fff, i);
    for (let n = 1; n <= instances; n++) {
      await upload(orthanc.url, writeDicomPart10([...simInstanceDataSet(study, series, n), ...imagePixelElements(SIDE, SIDE, pixels, n)]));
    }

    const trust = await startChildServer<{ url: string }>('images trust', './servers/trust-process.ts', {
      config: {
        code: 'RH8',
        name: 'Bench trust',
        http: { port: 0 },
        mllp: { port: 0 },
        pacs: { dicomweb: `${orthanc.url}/dicom-web`, timeoutMs: 60_000 },
        store: { sqlite: join(ctx.tmpDir, 'images-trust', 'RH8.db') },
        gatewaySecret: GATEWAY_SECRET,
        logLevel: 'warn',
      },
    });
    stops.unshift(() => trust.stop());
    const gateway = await startChildServer<{ url: string }>('images gateway', './servers/gateway-process.ts', {
      config: {
        http: { port: 0 },
        trusts: [{ code: 'RH8', url: trust.ready.url }],
        gatewaySecret: GATEWAY_SECRET,
        auth: { jwt: { secret: JWT_SECRET, issuer: ISSUER, audience: AUDIENCE } },
        audit: { sqlite: join(ctx.tmpDir, 'images-gateway-audit.db') },
        logLevel: 'warn',
      },
    });
    stops.unshift(() => gateway.stop());
    const token = await new SignJWT({ roles: ['radiologist'], trust: 'RXA' })
      .setProtectedHeader({ alg: 'HS256' }).setSubject('bench-radiologist').setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('1h')
      .sign(new TextEncoder().encode(JWT_SECRET));
    const origin = new URL(gateway.ready.url).origin;
    const path = `studies/${study.studyInstanceUid}`;
    const accept = 'multipart/related; type="application/dicom"; transfer-syntax=*';
    const agent = new http.Agent({ keepAlive: true });
    const rssBefore = startRssSampler(gateway.pid, 20);
    const baseline = rssBefore.maxSampledMiB();
    const trustRss = startRssSampler(trust.pid, 20);
    const direct: number[] = [];
    const through: number[] = [];
    let bytes = 0;
    for (let rep = 0; rep < ctx.durations.repetitions; rep++) {
      const d = await drain(`${orthanc.url}/dicom-web/${path}`, { accept }, agent);
      const g = await drain(`${origin}/dicom-web/RH8/${path}`, { accept, authorization: `Bearer ${token}` }, agent);
      if (d.status !== 200 || g.status !== 200) throw new Error(`retrieve failed: Orthanc HTTP ${d.status}, gateway HTTP ${g.status}`);
      if (Math.abs(d.bytes - g.bytes) > 4096) throw new Error(`the gateway passed ${g.bytes} bytes, Orthanc sent ${d.bytes}`);
      bytes = g.bytes;
      direct.push(d.bytes / 2 ** 20 / d.seconds);
      through.push(g.bytes / 2 ** 20 / g.seconds);
      progress(`  rep ${rep + 1}: Orthanc ${direct.at(-1)!.toFixed(0)} MiB/s, gateway ${through.at(-1)!.toFixed(0)} MiB/s (${(g.bytes / 2 ** 20).toFixed(0)} MiB)`);
    }
    agent.destroy();
    const peak = rssBefore.peakMiB();
    const sampled = rssBefore.maxSampledMiB();
    rssBefore.stop();
    const trustPeak = trustRss.peakMiB();
    trustRss.stop();
    const d = spreadOf(direct);
    const g = spreadOf(through);
    const rows = [
      ['Orthanc directly', formatSpread(d, 0), '–'],
      ['gateway → trust → Orthanc', formatSpread(g, 0), `${(g.median / d.median * 100).toFixed(0)} %`],
    ];
    const notes = [
      `Study: ${instances} instances of ${SIDE} × ${SIDE} MONOCHROME2 16-bit (${INSTANCE_MIB} MiB each), one WADO-RS study retrieve = ${(bytes / 2 ** 20).toFixed(0)} MiB multipart/related (\`${accept}\`), read by one client that counts bytes and keeps none; ${ctx.durations.repetitions} repetitions, alternating, median (min–max).`,
      `Gateway RSS: ${baseline.toFixed(0)} MiB before the retrieves; highest sampled (every 20 ms) while streaming ${sampled.toFixed(0)} MiB; kernel high-water mark (VmHWM, since the process started) ${peak.toFixed(0)} MiB. The trust's pass-through: VmHWM ${trustPeak.toFixed(0)} MiB. Both hops are node streams piped with back-pressure: memory does not grow with the study.`,
      'All three processes (Orthanc, trust, gateway) and the client share the same 2 cores; the gateway path copies every byte twice more (trust and gateway), so its throughput is the CPU cost of two extra HTTP hops on this machine, not a network limit.',
    ];
    return {
      name: 'images',
      title: 'Images: WADO-RS through the gateway (issue #13)',
      body: `${markdownTable(['path', 'MiB/s', 'vs direct'], rows)}\n\n${notes.map((n) => `- ${n}`).join('\n')}`,
      targets: [
        { target: `gateway peak RSS while streaming a ${(bytes / 2 ** 30).toFixed(1)} GiB study stays bounded (< ${IMAGES_RSS_TARGET_MIB} MiB)`, measured: `${peak.toFixed(0)} MiB (VmHWM; ${baseline.toFixed(0)} MiB before)`, met: peak < IMAGES_RSS_TARGET_MIB },
        { target: 'WADO-RS study throughput through the gateway vs Orthanc directly', measured: `${g.median.toFixed(0)} vs ${d.median.toFixed(0)} MiB/s`, met: null },
      ],
    };
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
  }
}
