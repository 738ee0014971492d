import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { SignJWT } from 'jose';
import { parseTrustConfig } from '../subgraphs/trust/config.ts';
import { startTrust, type RunningTrust } from '../subgraphs/trust/trust-server.ts';
import { MllpClient } from '../subgraphs/trust/ris/mllp/mllp-client.ts';
import {
  BUILT_IN_PROFILES,
  createLiveFeed,
  generateHistory,
  startDicomwebSimulator,
  trustHl7Config,
  type SimMessage,
  type SimStudy,
} from '../simulator/index.ts';
import { orthancInstalled, startOrthancPacs, type OrthancPacs } from '../simulator/orthanc-pacs.ts';
import { createGateway, parseGatewayConfig } from '../gateway/index.ts';
import { startRisReceiver } from '../simulator/ris-receiver.ts';
import { createProgressBar } from './progress-bar.ts';
import { demoBanner } from './demo-banner.ts';

const USAGE = `Usage: imaging-network demo [--data DIR] [--fresh] [--seed N] [--days N] [--per-day N] [--rate PER_MIN] [--port PORT]
                          [--pacs auto|orthanc|simulator]

Starts three simulated trusts (RXA, RH8, RTH: different HL7 dialects) and the gateway, with no
external service: each trust's RIS is fed over real MLLP by the simulator (a back-fill of --days
of history (default 14 days, --per-day 25 studies a day per trust), then a live trickle of --rate messages a minute). Each trust's PACS
(--pacs): \`auto\` (default) a real Orthanc per trust when Orthanc and its DICOMweb plugin are
installed, seeded with one instance per series, else the built-in DICOMweb simulator;
\`orthanc\` insists on Orthanc; \`simulator\` always uses the simulator. Stores live in --data
(default ./data/demo), kept between runs unless --fresh. Gateway on --port (default 4000), trusts
on 4101-4103, MLLP on 2575-2577; --port 0 picks free ports for everything (the banner prints them).`;

type PacsChoice = 'auto' | 'orthanc' | 'simulator';

/** Which PACS the demo's trusts get: `--pacs orthanc` without Orthanc installed is an error. */
function choosePacs(value: string | undefined): 'orthanc' | 'simulator' {
  const choice = (value ?? 'auto') as PacsChoice;
  if (!['auto', 'orthanc', 'simulator'].includes(choice)) throw new Error(`--pacs must be auto, orthanc or simulator, got ${JSON.stringify(value)}`);
  if (choice === 'orthanc' && !orthancInstalled()) {
    throw new Error('--pacs orthanc: Orthanc is not installed (needs the Orthanc binary and its DICOMweb plugin: apt-get install orthanc orthanc-dicomweb); use --pacs simulator');
  }
  if (choice === 'auto') return orthancInstalled() ? 'orthanc' : 'simulator';
  return choice;
}

interface DemoState {
  /** When the history ends; fixed at the first run so later runs regenerate the same world. */
  anchor: string;
  seed: number;
  /** Development secrets, made at the first run: HS256 token key and the gateway↔trust HMAC key. */
  jwtSecret: string;
  gatewaySecret: string;
}

const DEMO_ISSUER = 'imaging-network-demo';
/** Images stored per series in the demo's Orthanc (64 × 64 phantoms; more would slow the start). */
const DEMO_IMAGES_PER_SERIES = 3;
const DEMO_AUDIENCE = 'imaging-network';

/** A development token for one role, valid for 30 days. */
async function devToken(secret: string, role: string, claims: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ roles: [role], trust: 'RXA', ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(`demo-${role}`)
    .setIssuer(DEMO_ISSUER)
    .setAudience(DEMO_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('30d')
    .sign(new TextEncoder().encode(secret));
}

function intFlag(value: string | undefined, name: string, def: number, min = 0): number {
  if (value === undefined) return def;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  return n;
}

/**
 * One real Orthanc per trust, storage in `DATA/orthanc-CODE` (kept between runs), all seeded at
 * once under one progress bar. If one fails to start, the others are stopped.
 */
async function startDemoOrthancs(dataDir: string, worlds: readonly (readonly SimStudy[])[]): Promise<OrthancPacs[]> {
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  const done = worlds.map(() => 0);
  const progress = createProgressBar(sum(worlds.map((w) => w.reduce((n, s) => n + s.series.length, 0))), 'PACS (Orthanc): series stored');
  const started = await Promise.allSettled(
    worlds.map((studies, i) => {
      const code = BUILT_IN_PROFILES[i]!.code;
      return startOrthancPacs({
        storageDir: join(dataDir, `orthanc-${code}`),
        studies,
        name: `imaging-network-demo-${code}`,
        // A few real (synthetic phantom) images per series, so the viewer shows pictures.
        instancesPerSeries: DEMO_IMAGES_PER_SERIES,
        onProgress: (n) => {
          done[i] = n;
          progress.update(sum(done));
        },
      });
    }),
  );
  progress.done();
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  const running = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  if (failed) {
    await Promise.all(running.map((o) => o.close()));
    throw failed.reason;
  }
  return running;
}

export async function runDemo(args: string[]): Promise<number | undefined> {
  const { values } = parseArgs({
    args,
    options: {
      data: { type: 'string' },
      fresh: { type: 'boolean' },
      seed: { type: 'string' },
      days: { type: 'string' },
      'per-day': { type: 'string' },
      rate: { type: 'string' },
      port: { type: 'string' },
      pacs: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const dataDir = resolve(values.data ?? join('data', 'demo'));
  const days = intFlag(values.days, 'days', 14, 1);
  const perDay = intFlag(values['per-day'], 'per-day', 25, 1);
  const rate = intFlag(values.rate, 'rate', 6);
  const gatewayPort = intFlag(values.port, 'port', 4000);
  const pacsKind = choosePacs(values.pacs);
  if (values.fresh) rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const stateFile = join(dataDir, 'demo-state.json');
  const saved = existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as Partial<DemoState>) : {};
  const state: DemoState = {
    anchor: saved.anchor ?? new Date().toISOString(),
    seed: saved.seed ?? intFlag(values.seed, 'seed', 42),
    jwtSecret: saved.jwtSecret ?? randomBytes(32).toString('base64url'),
    gatewaySecret: saved.gatewaySecret ?? randomBytes(32).toString('base64url'),
  };
  writeFileSync(stateFile, JSON.stringify(state, null, 2));
  const started = Date.now();
  const log = pino({ level: 'warn' });

  const closers: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  };
  try {
    const histories = BUILT_IN_PROFILES.map((profile) => generateHistory(profile, { seed: state.seed, days, studiesPerDay: perDay, now: state.anchor }));
    // Real Orthancs are started and seeded all at once (each its own process), before the trusts.
    const seedStarted = Date.now();
    const orthancs = pacsKind === 'orthanc' ? await startDemoOrthancs(dataDir, histories.map((h) => h.studies)) : undefined;
    const seedMs = Date.now() - seedStarted;
    if (orthancs) closers.push(() => Promise.all(orthancs.map((o) => o.close())).then(() => undefined));
    const trusts: Array<{ code: string; name: string; trust: RunningTrust; client: MllpClient; studies: SimStudy[]; history: SimMessage[]; addStudies?: (s: readonly SimStudy[]) => Promise<void> }> = [];
    for (const [i, profile] of BUILT_IN_PROFILES.entries()) {
      const history = histories[i]!;
      const studies: SimStudy[] = [...history.studies];
      const orthanc = orthancs?.[i];
      let pacsUrl: string;
      if (orthanc) pacsUrl = orthanc.dicomweb;
      else {
        const simulator = await startDicomwebSimulator({ port: 0, studies: () => studies });
        closers.push(() => simulator.close());
        pacsUrl = simulator.url;
      }
      // The trust's RIS also takes results (ORU^R01) from the network: a simulated receiver that
      // deduplicates by MSH-10 and logs each report it accepts (no patient data).
      const ris = await startRisReceiver({
        port: 0,
        onReport: (oru, duplicate) =>
          console.log(
            `RIS ${profile.code} received a report from the network: ORU^R01 MSH-10 ${oru.controlId}, HL7 ${oru.version}, OBR-25 ${oru.resultStatus}, reporter GMC ${oru.reporter[0]}${duplicate ? ' (a resend: same ACK, not applied twice)' : ''}`,
          ),
      });
      closers.push(() => ris.close());
      const config = parseTrustConfig({
        code: profile.code,
        name: profile.name,
        http: { port: gatewayPort === 0 ? 0 : 4101 + i },
        mllp: { port: gatewayPort === 0 ? 0 : 2575 + i, outbound: { port: ris.port } },
        pacs: { dicomweb: pacsUrl },
        store: { sqlite: join(dataDir, `${profile.code}.db`) },
        // The trust's dialect, also for what it writes back to its RIS (ORU^R01).
        hl7: { ...trustHl7Config(profile), version: profile.dialect.version, reportText: profile.dialect.reportValueType, nhsNumberIn: profile.dialect.nhsNumberIn },
        gatewaySecret: state.gatewaySecret,
        audit: { sqlite: join(dataDir, `${profile.code}-audit.db`) },
        logLevel: 'warn',
      });
      const trust = await startTrust(config, { log: log.child({ trust: profile.code }) });
      closers.push(() => trust.close());
      const client = new MllpClient('127.0.0.1', trust.mllpPort, { timeoutMs: 30_000 });
      closers.push(() => client.close());
      trusts.push({ code: profile.code, name: profile.name, trust, client, studies, history: history.messages, ...(orthanc ? { addStudies: orthanc.addStudies } : {}) });
    }

    // Back-fill: every trust in parallel, over real MLLP. Re-sent history after a restart is
    // answered from the duplicate store (same MSH-10), so it is applied once.
    const total = trusts.reduce((n, t) => n + t.history.length, 0);
    const progress = createProgressBar(total, 'back-fill: sent');
    let sent = 0;
    const acks = new Map<string, number>();
    await Promise.all(
      trusts.map(async (t) => {
        for (const m of t.history) {
          const ack = await t.client.send(m.hl7);
          const code = /\rMSA\|([A-Z]{2})/.exec(ack)?.[1] ?? '??';
          acks.set(code, (acks.get(code) ?? 0) + 1);
          progress.update(++sent, [...acks].map(([c, n]) => `${c} ${n}`).join(', '));
        }
      }),
    );
    progress.done();

    const gatewayConfig = parseGatewayConfig({
      http: { port: gatewayPort },
      trusts: trusts.map((t) => ({ code: t.code, name: t.name, url: t.trust.url })),
      gatewaySecret: state.gatewaySecret,
      // The printed development tokens live 30 days (a demo left running keeps working); the
      // demo listens on loopback only, so it allows that lifetime explicitly (default 12 h).
      auth: { jwt: { secret: state.jwtSecret, issuer: DEMO_ISSUER, audience: DEMO_AUDIENCE, maxTokenAgeSeconds: 30 * 86_400 } },
      audit: { sqlite: join(dataDir, 'gateway-audit.db') },
      // Viewer links live an hour in the demo (the banner prints one); the default is 10 minutes.
      dicomweb: { viewerTokenTtlSec: 3600 },
      logLevel: 'warn',
      // The demo is for exploring: the IDE and introspection are on here only (off by default).
      ide: true,
      introspection: true,
    });
    const tokens = {
      clinician: await devToken(state.jwtSecret, 'clinician'),
      analyst: await devToken(state.jwtSecret, 'analyst'),
      // A consultant employed by RXA who reports for the whole network (synthetic GMC number).
      radiologist: await devToken(state.jwtSecret, 'radiologist', { given_name: 'Alex', family_name: 'Demo', gmc: '7000001' }),
    };
    const gateway = await createGateway(gatewayConfig, { ideHeaders: { Authorization: `Bearer ${tokens.clinician}` } });
    closers.push(() => gateway.close());

    // The live trickle: new orders, schedules, exams and reports as the day goes on.
    for (const [i, profile] of BUILT_IN_PROFILES.entries()) {
      const t = trusts[i]!;
      if (rate === 0) break;
      const feed = createLiveFeed(profile, { seed: state.seed, ratePerMinute: rate, now: new Date().toISOString(), days, studiesPerDay: perDay });
      let queue: Promise<unknown> = Promise.resolve();
      const stop = feed.start((batch) => {
        t.studies.push(...batch.studies);
        // Orthanc holds what was uploaded: a study the feed performs is stored before its HL7 goes.
        if (t.addStudies && batch.studies.length > 0) {
          const add = t.addStudies;
          queue = queue.then(() => add(batch.studies)).catch((err: unknown) => log.warn({ err: String(err) }, 'Orthanc refused a live study'));
        }
        for (const m of batch.messages) queue = queue.then(() => t.client.send(m.hl7)).catch(() => undefined);
      });
      closers.push(async () => {
        stop();
        await queue;
      });
    }

    // A viewer link for the newest study with images at the second trust, asked of the gateway
    // as the radiologist (of RXA) would: Study.viewerUrl.
    // Only with real Orthancs: the built-in simulator stores no images.
    const viewerUrl = orthancs ? await firstViewerUrl(gateway.url, tokens.radiologist, trusts[1]?.code ?? trusts[0]!.code).catch(() => undefined) : undefined;
    console.log(
      demoBanner({
        ...(viewerUrl ? { viewerUrl } : {}),
        gatewayUrl: gateway.url,
        trusts: trusts.map((t) => ({ code: t.code, url: t.trust.url, mllpPort: t.trust.mllpPort })),
        dataDir,
        seconds: (Date.now() - started) / 1000,
        messages: total,
        tokens,
        pacs: orthancs
          ? [
              `a real Orthanc per trust, seeded in ${(seedMs / 1000).toFixed(1)} s with up to ${DEMO_IMAGES_PER_SERIES} images per series (64×64 synthetic phantoms: instance counts are at most ${DEMO_IMAGES_PER_SERIES} per series)`,
              ...trusts.map((t, i) => `    ${t.code}: ${orthancs[i]!.dicomweb}  (storage ${join(dataDir, `orthanc-${t.code}`)})`),
            ].join('\n')
          : 'built-in DICOMweb simulator per trust (not a real PACS)',
      }),
    );
  } catch (err) {
    await closeAll();
    throw err;
  }

  return new Promise((resolveDone) => {
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      console.error('\nstopping the demo network…');
      closeAll().finally(() => resolveDone(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/** `Study.viewerUrl` of the newest study with images at `trust`, through the gateway. */
async function firstViewerUrl(gatewayUrl: string, token: string, trust: string): Promise<string | undefined> {
  const res = await fetch(gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      query: 'query DemoViewerLink($t: [ID!]) { studies(first: 20, filter: { trusts: $t, statuses: [COMPLETED, PRELIMINARY, FINAL, AMENDED] }) { edges { node { viewerUrl } } } }',
      variables: { t: [trust] },
    }),
  });
  const body = (await res.json()) as { data?: { studies?: { edges?: Array<{ node?: { viewerUrl?: string | null } }> } } };
  return body.data?.studies?.edges?.map((e) => e.node?.viewerUrl).find((u): u is string => typeof u === 'string');
}
