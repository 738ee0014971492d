import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createYoga, useReadinessCheck } from 'graphql-yoga';
import pino, { type Logger } from 'pino';
import type { TrustConfig } from './config.ts';
import { buildTrustSchema } from './trust-schema.ts';
import { createTrustContext, type TrustContext } from './trust-context.ts';
import { usePartialErrors } from '../../platform/use-partial-errors.ts';
import { serve } from '../../platform/server-lifecycle.ts';
import { DicomWebClient } from './pacs/dicomweb-client.ts';
import { coalesceSearches } from './pacs/in-flight-searches.ts';
import { openTrustStore } from './store/open-trust-store.ts';
import type { FileSync } from '../../platform/wal-file-sync.ts';
import { createRisIngest } from './ris/ris-ingest.ts';
import { startMllpListener } from './ris/mllp/mllp-listener.ts';
import { applyRolePolicy, callerRoles, readRolePolicy } from '../../schema/role-policy.ts';
import { networkSdl } from '../../schema/index.ts';
import { useGatewaySignature } from './security/use-gateway-signature.ts';
import { AuditLog } from '../../audit/audit-log.ts';
import { useAudit } from '../../audit/use-audit.ts';
import { assertLoopbackWhenUnauthenticated } from '../../platform/loopback-guard.ts';
import { assertMllpBindAllowed } from './security/mllp-bind-guard.ts';
import { createDicomwebPassThrough, DICOMWEB_PREFIX } from './pacs/dicomweb-pass-through.ts';
import { PacsSync } from './pacs/pacs-sync.ts';
import { PacsIndexMetrics, usePacsIndexMetrics } from './pacs/pacs-index-metrics.ts';
import { watchOrthancChanges } from './pacs/orthanc-changes.ts';
import { TrustReporting } from './reporting/trust-reporting.ts';
import { watchWorklist } from './reporting/worklist-watch.ts';

/** Reads the PEM files of `mllp.tls`; with a CA, senders must present a certificate (mutual TLS). */
function mllpTlsOptions(t: NonNullable<TrustConfig['mllp']['tls']>) {
  const read = (file: string, key: string) => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new Error(`mllp.tls.${key}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  };
  return {
    cert: read(t.cert, 'cert'),
    key: read(t.key, 'key'),
    ...(t.ca ? { ca: read(t.ca, 'ca'), requestCert: true, rejectUnauthorized: true } : {}),
  };
}

export interface RunningTrust {
  /** GraphQL endpoint, e.g. `http://127.0.0.1:4101/graphql`. */
  url: string;
  httpPort: number;
  mllpPort: number;
  close(): Promise<void>;
}

/**
 * Starts one trust: opens its store, starts the MLLP listener (RIS → store) and serves the
 * Federation 2 subgraph on `/graphql` with `GET /healthz`.
 */
export async function startTrust(config: TrustConfig, opts: { log?: Logger; /** Tests only: wraps the disk's fdatasync of the store's WAL (to make it fail as a disk can). */ syncWal?: FileSync } = {}): Promise<RunningTrust> {
  const log = opts.log ?? pino({ level: config.logLevel, base: { trust: config.code } });
  const signed = config.gatewaySecret !== undefined;
  assertLoopbackWhenUnauthenticated(config.http.host, signed, log);
  assertMllpBindAllowed(config.mllp);
  mkdirSync(dirname(config.store.sqlite), { recursive: true });
  const store = openTrustStore(config.store.sqlite, { nationalNumber: config.hl7.nationalNumber, ...(opts.syncWal ? { syncWal: opts.syncWal } : {}) });
  const audit = AuditLog.open(config.audit.sqlite ?? `${config.store.sqlite}.audit.db`);
  const pacsOptions: ConstructorParameters<typeof DicomWebClient>[0] = {
    baseUrl: config.pacs.dicomweb,
    timeoutMs: config.pacs.timeoutMs,
    timezone: config.timezone,
    maxResults: config.pacs.maxResults,
  };
  if (config.pacs.auth) pacsOptions.auth = config.pacs.auth;
  const pacs = new DicomWebClient(pacsOptions);
  const searchPacs = coalesceSearches((search) => pacs.searchStudies(search));

  // The study index is filled from the PACS by QIDO-RS (pacs/pacs-sync.ts); lists read it.
  const sync = new PacsSync({ index: store, client: pacs, settings: config.pacs.sync, timezone: config.timezone, log, onStep: (step) => {
    metrics.syncRequests.inc({ trust: config.code, kind: step.kind }, step.requests);
    metrics.syncStudies.inc({ trust: config.code, kind: step.kind }, step.studies);
    if (!step.ok) metrics.syncFailures.inc({ trust: config.code });
  } });
  const pacsIndex = (opts?: { fresh?: boolean }) => (opts?.fresh ? sync.currentStatus() : sync.status());
  const metrics = new PacsIndexMetrics(config.code, () => sync.currentStatus());
  // A small PACS is indexed before the trust says ready; a large one keeps filling behind.
  await sync.fillFor(config.pacs.sync.startupWaitMs);
  sync.start();
  const changes = config.pacs.sync.orthancRest
    ? watchOrthancChanges({ url: config.pacs.sync.orthancRest, intervalMs: Math.min(1000, config.pacs.sync.intervalMs), onChange: (c) => sync.trigger(c), log })
    : undefined;

  const reporting = new TrustReporting({ config, store, audit, log });
  const ingest = createRisIngest({
    // The ingest's writes announce studies entering and leaving the worklist (live updates).
    store: watchWorklist(store, (change) => reporting.events.publish(change)),
    accessionNumber: config.hl7.accessionNumber,
    timezone: config.hl7.timezone,
    apply: { priorities: config.hl7.priorities, patientClasses: config.hl7.patientClasses, nationalNumber: config.hl7.nationalNumber },
    ...(config.mllp.allowedSenders ? { allowedSenders: config.mllp.allowedSenders } : {}),
    ...(config.mllp.allowedAddresses ? { allowedAddresses: config.mllp.allowedAddresses } : {}),
    logger: log,
  });
  const mllp = await startMllpListener({
    host: config.mllp.host,
    port: config.mllp.port,
    maxFrameBytes: config.mllp.maxFrameBytes,
    idleTimeoutMs: config.mllp.idleTimeoutMs,
    maxConnections: config.mllp.maxConnections,
    maxConnectionBytes: config.mllp.maxConnectionBytes,
    acceptConnection: (remoteAddress) => ingest.acceptsAddress(remoteAddress),
    ...(config.mllp.tls ? { tls: mllpTlsOptions(config.mllp.tls) } : {}),
    handler: (frame) => ingest.handle(frame),
    logger: log,
  });

  // The same role policy as the gateway (the SDL's @requiresScopes), enforced again here on the
  // caller the gateway signed into the request.
  const schema = applyRolePolicy(buildTrustSchema(), readRolePolicy(networkSdl), callerRoles(signed));
  let ready = false;
  const yoga = createYoga<object, TrustContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: false,
    logging: false,
    context: () => ({ ...createTrustContext({ config, store, pacs, searchPacs, log, pacsIndex }), reporting }),
    plugins: [
      // First, so `/healthz` stays open before the signature check. Readiness says nothing about
      // patients: just that the store and listeners are up.
      // Prometheus text of the study index's gauges and sync counters (no patient data).
      usePacsIndexMetrics(metrics),
      // A store that could not sync its WAL (issue 16: after a failed fsync nothing is trusted)
      // acknowledges no HL7 message and refuses every write until a restart: failing, not ok, so
      // an operator's probe sees it.
      useReadinessCheck({
        endpoint: '/healthz',
        check: ({ fetchAPI }) => {
          const failure = store.durabilityFailure();
          const body = failure
            ? { status: 'failing', trust: config.code, reason: `the store could not sync to disk (${(failure as { code?: string }).code ?? failure.message}): no HL7 message is acknowledged and writes are refused until the trust is restarted` }
            : { status: ready ? 'ok' : 'starting', trust: config.code };
          return new fetchAPI.Response(JSON.stringify(body), {
            status: ready && !failure ? 200 : 503,
            headers: { 'content-type': 'application/json; charset=utf-8' },
          });
        },
      }),
      ...(config.gatewaySecret
        ? [useGatewaySignature({ secret: config.gatewaySecret, trust: config.code, onRefused: (reason) => log.info({ reason }, 'request refused: not signed by the gateway') })]
        : []),
      useAudit({ log: audit, where: config.code, logger: log }),
      usePartialErrors(),
    ],
  });

  // DICOMweb pass-through (issue 13): signed like /graphql, PACS credentials stay here.
  const dicomweb = createDicomwebPassThrough({
    trust: config.code,
    pacsRoot: config.pacs.dicomweb,
    ...(config.pacs.publicUrl ? { pacsPublicRoot: config.pacs.publicUrl } : {}),
    ...(config.pacs.auth ? { auth: config.pacs.auth } : {}),
    timeoutMs: config.pacs.timeoutMs,
    ...(config.gatewaySecret ? { secret: config.gatewaySecret } : {}),
    audit,
    log,
  });
  // Keep-alive longer than typical client pools' idle time, so pooled sockets are not cut mid-use;
  // requests in flight finish within the PACS deadline: drain for that long, and a second more.
  const http = await serve(
    (req, res) => (req.url?.startsWith(`${DICOMWEB_PREFIX}/`) ? dicomweb(req, res) : yoga(req, res)),
    { host: config.http.host, port: config.http.port, keepAliveTimeoutMs: 65_000, drainMs: config.pacs.timeoutMs + 1_000 },
  );
  const port = http.port;
  reporting.start();
  ready = true;
  const url = `http://${config.http.host}:${port}/graphql`;
  log.info({ url, mllpPort: mllp.port }, 'trust subgraph ready');

  return {
    url,
    httpPort: port,
    mllpPort: mllp.port,
    async close() {
      ready = false;
      changes?.stop();
      await sync.stop();
      await mllp.close();
      await reporting.close();
      await http.close();
      store.close();
      audit.close();
    },
  };
}
