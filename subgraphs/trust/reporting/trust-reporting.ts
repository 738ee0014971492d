import { readFileSync } from 'node:fs';
import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import { badUserInput, decodeStudyId, ErrorCode } from '../../../schema/index.ts';
import type { CallerIdentity } from '../../../platform/request-signature.ts';
import type { AuditLog } from '../../../audit/audit-log.ts';
import type { TrustConfig } from '../config.ts';
import { classifyReportVersion, currentReportStatus, deriveStudyStatus } from '../ris/apply/status-machine.ts';
import type { RisOrderRow } from '../store/read-model.ts';
import type { RisReportRow } from '../ris/ingest-port.ts';
import type { ClaimRow, DueAtRule, ReportingStore } from '../store/reporting-model.ts';
import type { TrustStore } from '../store/trust-store.ts';
import { buildOru } from './oru-builder.ts';
import { OutboxDelivery } from './outbox-delivery.ts';
import { reporterName, reporterObject, reporterOf, requireGmc } from './reporter.ts';
import { dueAtRule } from './reporting-targets.ts';
import { checkReportText } from './report-text.ts';
import { controlIdFor } from './message-control-id.ts';
import { WorklistEvents, type WorklistEventType } from './worklist-events.ts';

/** Statuses of an order that may be claimed: performed (or being performed) and not cancelled. */
const CLAIMABLE = new Set(['IN_PROGRESS', 'COMPLETED', 'PRELIMINARY', 'FINAL', 'AMENDED']);

/** How often expired claims are swept (and announced RELEASED). */
const EXPIRY_SWEEP_MS = 500;

export interface TrustReportingOptions {
  config: TrustConfig;
  store: TrustStore;
  audit: AuditLog;
  log: Logger;
}

/**
 * Network reporting at one trust: claims (leases in the store), report versions with their
 * outbox entry in one transaction, the outbox sender, the claim-expiry sweep and the live
 * worklist events. The GraphQL resolvers (reporting-resolvers.ts) are a thin layer over this.
 */
export class TrustReporting {
  readonly config: TrustConfig;
  readonly store: ReportingStore;
  readonly dueAt: DueAtRule;
  readonly events = new WorklistEvents();
  readonly delivery: OutboxDelivery | undefined;
  readonly #audit: AuditLog;
  readonly #read: TrustStore;
  readonly #log: Logger;
  #sweep: NodeJS.Timeout | undefined;

  constructor(o: TrustReportingOptions) {
    this.config = o.config;
    this.dueAt = dueAtRule(o.config.reporting.targets);
    this.store = o.store.reporting(this.dueAt);
    this.#read = o.store;
    this.#audit = o.audit;
    this.#log = o.log;
    const out = o.config.mllp.outbound;
    if (out) {
      this.delivery = new OutboxDelivery({
        store: this.store,
        host: out.host,
        port: out.port,
        ...(out.tls ? { tls: outboundTls(out.tls) } : {}),
        ackTimeoutMs: out.ackTimeoutMs,
        maxBackoffMs: out.maxBackoffMs,
        log: o.log,
      });
    }
  }

  /** Starts the outbox sender (delivering what a previous run left PENDING) and the expiry sweep. */
  start(): void {
    this.delivery?.wake();
    this.#sweep = setInterval(() => {
      try {
        for (const c of this.store.takeExpiredClaims(Date.now())) {
          this.#log.debug({ expiredAt: new Date(c.expiresAtMs).toISOString() }, 'claim expired');
          this.events.publish({ type: 'RELEASED', accessionNumber: c.accessionNumber });
        }
      } catch (err) {
        this.#log.warn({ err: String(err) }, 'claim expiry sweep failed');
      }
    }, EXPIRY_SWEEP_MS);
    this.#sweep.unref();
  }

  async close(): Promise<void> {
    if (this.#sweep) clearInterval(this.#sweep);
    await this.delivery?.close();
  }

  /** The order a mutation's study id names at this trust; BAD_USER_INPUT naming `argument` otherwise. */
  orderOf(id: string, argument: string): RisOrderRow {
    const key = decodeStudyId(id);
    if (!key) throw badUserInput(argument, 'not a study id');
    if (key.trust !== this.config.code) throw badUserInput(argument, `the study belongs to trust ${key.trust}, not ${this.config.code}`);
    if (key.kind !== 'accession') {
      throw badUserInput(argument, 'the study has no accession number (a PACS study without a RIS order): the RIS cannot take a report for it');
    }
    const order = this.#read.ordersByAccession([key.value]).get(key.value);
    if (!order) throw badUserInput(argument, 'no such study at this trust');
    return order;
  }

  claim(id: string, caller: CallerIdentity | undefined): ClaimRow {
    const order = this.orderOf(id, 'id');
    if (!CLAIMABLE.has(order.status)) {
      throw badUserInput('id', `the study is ${order.status}: only performed, not cancelled studies can be claimed`);
    }
    const reporter = reporterOf(caller);
    const outcome = this.store.claim(order.accessionNumber, reporter, Date.now(), this.config.reporting.claimTtlMs);
    if (!outcome.ok) {
      const held = outcome.heldBy;
      throw new GraphQLError(
        `Already claimed by ${reporterName(held.holder)}${held.holder.gmc ? ` (GMC ${held.holder.gmc})` : ''} until ${new Date(held.expiresAtMs).toISOString()}`,
        { extensions: { code: ErrorCode.ALREADY_CLAIMED, claimedBy: reporterObject(held.holder), expiresAt: new Date(held.expiresAtMs).toISOString() } },
      );
    }
    this.#record('claimStudy', caller, id);
    this.events.publish({ type: 'CLAIMED', accessionNumber: order.accessionNumber });
    return outcome.claim;
  }

  renew(id: string, caller: CallerIdentity | undefined): ClaimRow {
    const order = this.orderOf(id, 'id');
    const claim = this.store.renew(order.accessionNumber, reporterOf(caller).sub, Date.now(), this.config.reporting.claimTtlMs);
    if (!claim) throw notClaimed();
    this.#record('renewClaim', caller, id);
    return claim;
  }

  release(id: string, caller: CallerIdentity | undefined): boolean {
    const order = this.orderOf(id, 'id');
    const released = this.store.release(order.accessionNumber, reporterOf(caller).sub, Date.now());
    if (released) {
      this.#record('releaseStudy', caller, id);
      this.events.publish({ type: 'RELEASED', accessionNumber: order.accessionNumber });
    }
    return released;
  }

  /**
   * A report version written in the network. In ONE transaction: the caller's live claim is
   * checked, the version appended, the study status derived again, the ORU built and queued in
   * the outbox (its MSH-10 fixed from here on), and on FINAL the claim released. Then the sender
   * is woken. A preliminary after a final is refused: it would read as a downgrade.
   */
  submit(studyId: string, input: { text: string; status: string }, caller: CallerIdentity | undefined): RisReportRow {
    const out = this.config.mllp.outbound;
    if (!out) {
      throw new GraphQLError(`Trust ${this.config.code} cannot take reports from the network: no mllp.outbound (RIS inbound address) is configured`, {
        extensions: { code: ErrorCode.WRITE_BACK_NOT_CONFIGURED, trust: this.config.code },
      });
    }
    const order = this.orderOf(studyId, 'studyId');
    const text = checkReportText(input.text, this.config.reporting.maxReportBytes);
    if (input.status !== 'PRELIMINARY' && input.status !== 'FINAL') {
      throw badUserInput('report.status', 'must be PRELIMINARY or FINAL (a FINAL after a final becomes a correction)');
    }
    const reporter = reporterOf(caller);
    requireGmc(reporter);
    const now = new Date();
    const hl7 = this.config.hl7;
    const row = this.store.transaction((w) => {
      const claim = w.liveClaim(order.accessionNumber, now.getTime());
      if (!claim || claim.holder.sub !== reporter.sub) throw notClaimed();
      const record = w.order(order.accessionNumber)!;
      const earlier = w.reportVersions(order.accessionNumber);
      const current = currentReportStatus(earlier);
      const finalExists = current === 'FINAL' || current === 'AMENDED';
      if (input.status === 'PRELIMINARY' && finalExists) {
        throw badUserInput('report.status', 'the study already has a final report: submit a FINAL (it becomes a correction/addendum)');
      }
      // OBR-25 (table 0123): P, F, or C for a further final. ReportInput cannot say whether a
      // further final adds to or corrects the report, so it is sent (and kept) as a correction:
      // the stronger claim, which a RIS shows in place of the final (README, Network reporting).
      const resultStatus = input.status === 'PRELIMINARY' ? 'P' : finalExists ? 'C' : 'F';
      const { status, kind } = classifyReportVersion(resultStatus, text, earlier);
      const author = `${reporter.gmc} ${reporter.family ?? ''} ${reporter.given ?? ''}`.replace(/\s+/g, ' ').trim();
      const version = w.addReportVersion({
        accessionNumber: order.accessionNumber,
        status,
        kind,
        resultStatus,
        text,
        reportedAt: now.toISOString(),
        author,
        attachment: null,
        reporter: { id: reporter.gmc, name: reporterName(reporter), gmcNumber: reporter.gmc },
        assistant: null,
        patientId: record.patientId,
        journalId: null,
      });
      w.saveOrder({ ...record, status: deriveStudyStatus({ ...record, reports: [...earlier, { status, version }] }) });
      const numbers = { placer: record.placerOrderNumber, filler: record.fillerOrderNumber };
      const patient = w.patientOf(record.patientId);
      const outbox = w.enqueue(
        `${out.host}:${out.port}`,
        'ORU^R01',
        (id) => controlIdFor(this.config.code, now, id),
        (controlId) =>
          buildOru({
            trust: this.config.code,
            dialect: { version: hl7.version, charset: hl7.charset, accessionNumber: hl7.accessionNumber, reportText: hl7.reportText, nhsNumberIn: hl7.nhsNumberIn, timezone: hl7.timezone },
            controlId,
            createdAt: now,
            order,
            numbers,
            patient,
            resultStatus,
            text,
            reportedAt: now,
            reporter,
          }),
      );
      w.linkNetworkReport(order.accessionNumber, version, reporter, outbox.id);
      if (input.status === 'FINAL') w.deleteClaim(order.accessionNumber);
      return w.reportVersions(order.accessionNumber).find((r) => r.version === version)!;
    });
    this.#record('submitReport', caller, studyId);
    this.#log.info({ version: row.version, status: row.status }, 'report version stored and queued for the RIS');
    this.delivery?.wake();
    this.events.publish({ type: 'REPORTED', accessionNumber: order.accessionNumber });
    return row;
  }

  /** Publishes a change (used by the RIS ingest watcher). */
  publish(type: WorklistEventType, accessionNumber: string): void {
    this.events.publish({ type, accessionNumber });
  }

  /**
   * Claims, releases and reports in the audit log: who (sub, roles, trust), when, which study;
   * the action is the operation column. Awaited by nobody: the group commit makes it durable
   * within the event-loop turn, and a failure is logged loudly.
   */
  #record(action: string, caller: CallerIdentity | undefined, studyId: string): void {
    this.#audit
      .append([
        {
          at: new Date().toISOString(),
          where: this.config.code,
          sub: caller?.sub ?? null,
          roles: caller?.roles ?? [],
          callerTrust: caller?.trust ?? null,
          operationName: action,
          studyId,
          nhsNumber: null,
          dataTrust: this.config.code,
        },
      ])
      .catch((err: unknown) => this.#log.error({ kind: (err as Error)?.name, action }, 'audit write failed for a reporting action'));
  }
}

function notClaimed(): GraphQLError {
  return new GraphQLError('Not claimed: you hold no live claim on this study (claim it first; claims expire)', {
    extensions: { code: ErrorCode.NOT_CLAIMED },
  });
}

function outboundTls(t: { ca?: string | undefined; cert?: string | undefined; key?: string | undefined }) {
  const read = (file: string, key: string) => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new Error(`mllp.outbound.tls.${key}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  };
  return {
    ...(t.ca ? { ca: read(t.ca, 'ca') } : {}),
    ...(t.cert ? { cert: read(t.cert, 'cert') } : {}),
    ...(t.key ? { key: read(t.key, 'key') } : {}),
  };
}
