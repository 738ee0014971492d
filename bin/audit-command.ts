import { AuditLog, type AuditEntry } from '../audit/audit-log.ts';
import { auditPathOf } from '../audit/audit-path.ts';
import { checkNhsNumber, describeNhsNumberProblem } from '../schema/nhs-number.ts';
import { readJsonConfig } from './config-file.ts';
import { parseCommandArgs } from './command-args.ts';

const USAGE = `Usage: imaging-network audit --config FILE [--user SUB] [--patient NHSNUMBER] [--since TIME]
       imaging-network audit verify --config FILE
  verify: checks the log's hash chain; exits 1 naming the first broken entry, 0 when intact.
  Prints who accessed which patient or study, oldest first, one entry a line (tab-separated):
  time, where, user, roles, caller trust, operation, data trust, study id, NHS number.
  FILE is a gateway or trust config; the log is its audit.sqlite (default: beside a trust's store,
  ./data/gateway-audit.db for a gateway). TIME is an ISO 8601 date or instant, or an age: 30m, 24h, 7d.
  The server may keep running: the log is read through SQLite's WAL.`;

/** Runs `imaging-network audit`; returns the exit code (0 listed, 2 bad usage). */
export async function runAudit(args: string[]): Promise<number> {
  if (args[0] === 'verify') return runAuditVerify(args.slice(1));
  const { values } = parseCommandArgs(args, { strings: ['config', 'user', 'patient', 'since'] });
  const early = helpOrMissingConfig(values);
  if (early !== undefined) return early;
  let nhsNumber: string | undefined;
  if (values.patient !== undefined) {
    const checked = checkNhsNumber(values.patient);
    if (!checked.value) {
      console.error(`--patient: ${describeNhsNumberProblem(checked.problem!)}`);
      return 2;
    }
    nhsNumber = checked.value;
  }
  const since = values.since === undefined ? undefined : parseSince(values.since, Date.now());
  if (since === null) {
    console.error(`--since: expected an ISO 8601 date or instant, or an age such as 24h or 7d`);
    return 2;
  }
  const { path } = auditPathOf(readJsonConfig(values.config!));
  const log = AuditLog.open(path, { readonly: true });
  try {
    const entries = log.query({
      ...(values.user !== undefined ? { sub: values.user } : {}),
      ...(nhsNumber !== undefined ? { nhsNumber } : {}),
      ...(since !== undefined ? { since } : {}),
      limit: Number.MAX_SAFE_INTEGER,
    });
    for (const e of entries) console.log(formatEntry(e));
    console.error(`${entries.length} audit entr${entries.length === 1 ? 'y' : 'ies'}`);
    return 0;
  } finally {
    log.close();
  }
}

/** `--help` (exit 0) or a missing `--config` (exit 2), else undefined: go on. */
function helpOrMissingConfig(values: { help?: boolean | undefined; config?: string | undefined }): number | undefined {
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.config) {
    console.error(`--config FILE is required\n\n${USAGE}`);
    return 2;
  }
  return undefined;
}

/**
 * `imaging-network audit verify`: walks the hash chain (audit/audit-chain.ts). Exit 0 intact,
 * 1 broken (the first broken entry is named), 2 bad usage.
 */
async function runAuditVerify(args: string[]): Promise<number> {
  const { values } = parseCommandArgs(args, { strings: ['config'] });
  const early = helpOrMissingConfig(values);
  if (early !== undefined) return early;
  const { path } = auditPathOf(readJsonConfig(values.config!));
  const log = AuditLog.open(path, { readonly: true });
  try {
    const result = log.verify();
    const legacy = result.unchained ? ` (${result.unchained} older entr${result.unchained === 1 ? 'y' : 'ies'} from before the chain not covered)` : '';
    if (!result.ok) {
      console.error(`audit log BROKEN at entry ${result.id}: ${result.reason}${legacy}`);
      return 1;
    }
    console.log(`audit log intact: ${result.entries} entr${result.entries === 1 ? 'y' : 'ies'}, head ${result.head}${legacy}`);
    return 0;
  } finally {
    log.close();
  }
}

/** One tab-separated line; absent values are `-`. */
export function formatEntry(e: AuditEntry): string {
  return [e.at, e.where, e.sub, e.roles.join(','), e.callerTrust, e.operationName, e.dataTrust, e.studyId, e.nhsNumber]
    .map((v) => (v === null || v === '' ? '-' : v))
    .join('\t');
}

/** `--since`: an ISO 8601 date/instant, or an age (`30m`, `24h`, `7d`) before `now`; null when neither. */
export function parseSince(text: string, now: number): string | null {
  const age = /^(\d+)([mhd])$/.exec(text);
  if (age) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[age[2] as 'm' | 'h' | 'd'];
    return new Date(now - Number(age[1]) * unit).toISOString();
  }
  if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
