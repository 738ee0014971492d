import { z } from 'zod';
import { PATIENT_CLASS_VALUES, PRIORITY_VALUES } from '../../schema/generated/enums.ts';
import { parseConfig } from '../../platform/config-error.ts';

export { ConfigError } from '../../platform/config-error.ts';

/**
 * The trust subgraph's configuration (JSON, validated at start). The contract in ARCHITECTURE.md
 * is the minimal config: `code`, `name`, `http.port`, `mllp.port`, `pacs.dicomweb`, `store.sqlite`;
 * everything else has a default. Unknown keys are refused so a typo never passes silently.
 */
const port = z.number().int().min(0).max(65535);
const host = z.string().min(1).default('127.0.0.1');

export const trustConfigSchema = z
  .object({
    code: z
      .string()
      .regex(/^R[A-Z0-9]{2}$/, 'must be an ODS trust code: 3 characters starting with R, e.g. RH8')
      .describe('ODS trust code, e.g. `RH8`.'),
    name: z.string().min(1).describe('The trust\'s name, shown in `Query.trusts`.'),
    http: z
      .strictObject({
        port: port.describe('GraphQL (`/graphql`) and health (`/healthz`) port; 0 picks a free one.'),
        host: host.describe('Address to bind. @default 127.0.0.1'),
      })
      .describe('The subgraph\'s HTTP server.'),
    mllp: z
      .strictObject({
        port: port.describe('MLLP port the RIS sends HL7 v2 to.'),
        host: host.describe('Address to bind. @default 127.0.0.1'),
        maxFrameBytes: z
          .number()
          .int()
          .positive()
          .default(16 * 1024 * 1024)
          .describe('Largest accepted frame; larger ones are answered AR and kept. @default 16 MiB'),
        idleTimeoutMs: z
          .number()
          .int()
          .positive()
          .default(300_000)
          .describe('An idle connection is closed after this long. @default 300000'),
        maxConnections: z
          .number()
          .int()
          .positive()
          .default(64)
          .describe('Connections open at once; more are closed on arrival. @default 64'),
        maxConnectionBytes: z
          .number()
          .int()
          .positive()
          .default(32 * 1024 * 1024)
          .describe('Bytes of received frames one connection may hold waiting for their turn; above it reading pauses (TCP backpressure). @default 32 MiB'),
        allowedSenders: z
          .array(
            z.strictObject({
              application: z.string().min(1).optional().describe('MSH-3.1 sending application.'),
              facility: z.string().min(1).optional().describe('MSH-4.1 sending facility.'),
            }),
          )
          .optional()
          .describe('When set, only these senders are applied; others get AR and are kept.'),
        tls: z
          .strictObject({
            cert: z.string().min(1).describe('PEM certificate file of this listener.'),
            key: z.string().min(1).describe('PEM private key file.'),
            ca: z.string().min(1).optional().describe('PEM CA file: senders must present a certificate it signed (mutual TLS).'),
          })
          .optional()
          .describe('MLLP over TLS. @default plain TCP'),
        allowedAddresses: z
          .array(z.string().min(1))
          .optional()
          .describe('When set, connections from other source addresses are closed before anything is read (and logged). Required, or `tls`, when `host` is not loopback.'),
        outbound: z
          .strictObject({
            host: host.describe('The RIS\'s inbound MLLP host. @default 127.0.0.1'),
            port: port.min(1).describe('The RIS\'s inbound MLLP port.'),
            tls: z
              .strictObject({
                ca: z.string().min(1).optional().describe('PEM CA file to trust for the RIS\'s certificate.'),
                cert: z.string().min(1).optional().describe('PEM client certificate (mutual TLS).'),
                key: z.string().min(1).optional().describe('PEM client private key (mutual TLS).'),
              })
              .optional()
              .describe('Connect over TLS. @default plain TCP'),
            ackTimeoutMs: z.number().int().positive().default(30_000).describe('Longest wait for the connection or one ACK. @default 30000'),
            maxBackoffMs: z.number().int().positive().default(60_000).describe('Longest wait between retries (doubling from 1 s). @default 60000'),
          })
          .optional()
          .describe('Where reports written in the network go: the RIS\'s inbound MLLP port (ORU^R01 via the outbox). Without it `submitReport` is refused.'),
      })
      .describe('The RIS interface (HL7 v2 over MLLP).'),
    pacs: z
      .strictObject({
        dicomweb: z.url().describe('DICOMweb root of the trust\'s PACS, e.g. `http://127.0.0.1:8042/dicom-web`.'),
        publicUrl: z
          .url()
          .optional()
          .describe('Another root under which the PACS may name itself in its answers (e.g. behind a proxy); the pass-through rewrites it to the gateway\'s like `pacs.dicomweb`. Never shown to clients: `Study.dicomweb` is answered by the gateway.'),
        auth: z
          .discriminatedUnion('type', [
            z.strictObject({ type: z.literal('basic'), username: z.string(), password: z.string() }),
            z.strictObject({ type: z.literal('bearer'), token: z.string() }),
          ])
          .optional()
          .describe('Credentials for the PACS: `{type:"basic",username,password}` or `{type:"bearer",token}`.'),
        timeoutMs: z
          .number()
          .int()
          .positive()
          .default(5000)
          .describe('Deadline for one DICOMweb request. @default 5000'),
        maxResults: z
          .number()
          .int()
          .positive()
          .default(10_000)
          .describe('Most studies read from the PACS for one query. @default 10000'),
        sync: z
          .strictObject({
            intervalMs: z
              .number()
              .int()
              .positive()
              .default(5000)
              .describe('How often the most recent days are polled into the study index. @default 5000'),
            pollDays: z
              .number()
              .int()
              .positive()
              .default(2)
              .describe('Days (today included) each poll reads in full. @default 2'),
            recheckDays: z
              .number()
              .int()
              .positive()
              .default(7)
              .describe('Days re-read in full by the re-check (late series; studies deleted from the PACS leave the index). @default 7'),
            recheckIntervalMs: z
              .number()
              .int()
              .positive()
              .default(60_000)
              .describe('How often the re-check runs. @default 60000'),
            fullRecheckHours: z
              .number()
              .nonnegative()
              .default(24)
              .describe('Hours between passes of a slow, resumable full re-walk of the archive (the back-fill\'s windows, a slice per tick): finds studies stored late with a StudyDate older than `recheckDays` and drops studies deleted from old days, on any DICOMweb PACS. 0 disables. @default 24'),
            pageSize: z
              .number()
              .int()
              .positive()
              .default(1000)
              .describe('`limit` of each QIDO-RS request of the sync; a PACS that caps lower is handled by splitting windows. @default 1000'),
            staleAfterMs: z
              .number()
              .int()
              .positive()
              .default(60_000)
              .describe('`pacsIndex.state` turns STALE (FAILED when the sync fails) after this long without a successful sync step. @default 60000'),
            startupWaitMs: z
              .number()
              .int()
              .nonnegative()
              .default(10_000)
              .describe('At start, how long the trust may spend back-filling before it reports ready; a larger PACS keeps filling in the background (answers say INDEX_INCOMPLETE meanwhile). @default 10000'),
            undatedSweep: z
              .boolean()
              .default(true)
              .describe('After the dated back-fill, read the whole PACS once without a date filter, to index studies without a StudyDate. @default true'),
            orthancRest: z
              .url()
              .optional()
              .describe('Orthanc REST root (e.g. `http://127.0.0.1:8042`): its `/changes` feed triggers a poll at once. QIDO-RS stays the source of truth. @default none'),
          })
          .prefault({})
          .describe('Sync of the PACS into the trust\'s study index (QIDO-RS back-fill, polling, re-checks).'),
      })
      .describe('The trust\'s PACS (DICOMweb).'),
    store: z
      .strictObject({
        sqlite: z.string().min(1).describe('Path of the SQLite database (created with its folder).'),
      })
      .describe('The durable read model.'),
    hl7: z
      .strictObject({
        accessionNumber: z
          .enum(['auto', 'OBR-18', 'OBR-3', 'OBR-2', 'IPC-1'])
          .default('auto')
          .describe('Where the accession number is read: `auto` = IPC-1, then OBR-18, then OBR-3. @default auto'),
        timezone: z
          .string()
          .default('Europe/London')
          .describe('IANA zone for HL7 times without an offset (read with that zone\'s offset on the value\'s own date). @default Europe/London'),
        priorities: z
          .record(z.string().min(1), z.enum(PRIORITY_VALUES))
          .default({})
          .describe('The trust\'s priority codes and words (TQ1-9 / OBR-27.6 / ORC-7.6, e.g. `2WW`, `SOON`, `P1`) → network priorities, over the table 0027 defaults (S, A, R); an unmapped value is a warning naming it and clears the priority. @default {}'),
        patientClasses: z
          .record(z.string().min(1), z.enum(PATIENT_CLASS_VALUES))
          .default({})
          .describe('The trust\'s PV1-2 values → patient classes, over the table 0004 defaults (E, I, O, R, P, B, C, N, U); GP direct access needs a local value here. @default {}'),
        nationalNumber: z
          .enum(['NHS', 'CHI', 'HC'])
          .default('NHS')
          .describe('The national number the trust\'s PID carries: `NHS` (England, Wales), `CHI` (Scotland) or `HC` (Northern Ireland H&C); CHI and H&C numbers are never matched as NHS numbers. @default NHS'),
        version: z
          .enum(['2.3', '2.3.1', '2.4', '2.5', '2.5.1'])
          .default('2.5.1')
          .describe('MSH-12 of messages this trust sends to its RIS (ORU^R01 write-back). @default 2.5.1'),
        charset: z
          .enum(['UNICODE UTF-8', '8859/1'])
          .default('UNICODE UTF-8')
          .describe('MSH-18 (and the encoding) of messages sent to the RIS. @default UNICODE UTF-8'),
        reportText: z
          .enum(['TX', 'FT'])
          .default('TX')
          .describe('OBX-2 of report text sent to the RIS: `TX` one OBX per line, or `FT` one OBX with `\\.br\\` line breaks. @default TX'),
        nhsNumberIn: z
          .enum(['PID-3', 'PID-2', 'none'])
          .default('PID-3')
          .describe('Where messages sent to the RIS carry the NHS number: a PID-3 repetition (type NH), PID-2, or not at all. @default PID-3'),
      })
      .prefault({})
      .describe('HL7 v2 dialect options.'),
    timezone: z
      .string()
      .default('Europe/London')
      .describe('IANA zone for DICOM dates and times without an offset. @default Europe/London'),
    maxPageSize: z
      .number()
      .int()
      .positive()
      .default(200)
      .describe('Largest `first` accepted. @default 200'),
    logLevel: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info')
      .describe('pino log level. @default info'),
    capacity: z
      .strictObject({
        scanners: z
          .array(
            z.strictObject({
              id: z.string().min(1).describe('Scanner id, unique within the trust.'),
              modality: z.string().min(1).describe('DICOM modality the scanner performs, e.g. `CT`.'),
              examsPerDay: z.number().positive().describe('Exams the scanner can do in a day.'),
            }),
          )
          .default([])
          .describe('Declared scanners; `CapacityRow.utilisation` is computed against them.'),
        dm01Procedures: z
          .record(z.string().min(1), z.enum(['MRI', 'CT', 'NON_OBSTETRIC_ULTRASOUND', 'BARIUM_ENEMA', 'DEXA', 'NONE']))
          .default({})
          .describe('The trust\'s procedure codes (OBR-4.1) → DM01 test (`MRI`, `CT`, `NON_OBSTETRIC_ULTRASOUND`, `BARIUM_ENEMA`, `DEXA`), or `NONE` to exclude one; other codes are classified by modality and procedure text. @default {}'),
      })
      .prefault({})
      .describe('Scanner capacity of the trust.'),
    reporting: z
      .strictObject({
        claimTtlMs: z.number().int().positive().default(1_800_000).describe('How long a claim lasts unless renewed. @default 1800000 (30 minutes)'),
        targets: z
          .partialRecord(
            z.enum(['STAT', 'URGENT', 'SUSPECTED_CANCER', 'ROUTINE', 'PLANNED']),
            z.partialRecord(z.enum(['EMERGENCY', 'INPATIENT', 'OUTPATIENT', 'GP_DIRECT_ACCESS', 'OTHER', 'UNKNOWN', 'default']), z.number().positive()),
          )
          .default({})
          .describe('Reporting targets in hours by priority and patient class, e.g. `{"ROUTINE":{"INPATIENT":24,"default":672}}`; merged over the defaults (see Network reporting).'),
        maxReportBytes: z.number().int().positive().default(65_536).describe('Largest report text accepted (UTF-8 bytes). @default 65536'),
      })
      .prefault({})
      .describe('Network reporting: claims and reporting targets.'),
    gatewaySecret: z
      .string()
      .min(16, 'must be at least 16 characters')
      .optional()
      .describe('HMAC secret shared with the gateway: unsigned or stale requests to `/graphql` get 401. Without it the trust serves loopback only.'),
    audit: z
      .strictObject({
        sqlite: z.string().min(1).optional().describe('Audit log database. @default <store.sqlite>.audit.db'),
      })
      .prefault({})
      .describe('Durable, append-only log of every access to patient data.'),
  })
  .strict();

export type TrustConfig = z.output<typeof trustConfigSchema>;

/** Validates a parsed JSON config; throws ConfigError naming the keys that are wrong. */
export function parseTrustConfig(json: unknown): TrustConfig {
  return parseConfig(trustConfigSchema, json, 'trust');
}
