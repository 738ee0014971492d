import { checkNhsNumber, describeNhsNumberProblem, parseDate } from '../../../../schema/index.ts';
import type { SexValue } from '../../../../schema/generated/enums.ts';
import type { PatientChanges } from '../ingest-port.ts';
import type { Hl7Segment } from '../hl7/index.ts';
import { ApplyError } from './apply-error.ts';
import type { PatientFacts } from './domain-events.ts';
import { valueChange, type MessageContext, type NationalNumberKind } from './message-context.ts';

/** One CX identifier (HL7 v2.5.1 ch. 2A.3.14): CX-1 id, CX-4 assigning authority, CX-5 type (table 0203). */
interface Cx {
  id: string;
  authority: string;
  type: string;
  /** Location for ERR, e.g. `PID-3[2]`. */
  location: string;
}

function identifiers(segment: Hl7Segment, field: number): Cx[] {
  const count = segment.field(field)?.repetitions.length ?? 0;
  const out: Cx[] = [];
  for (let r = 1; r <= count; r++) {
    out.push({
      id: segment.get(`${field}[${r}].1`).trim(),
      // CX-4 is HD: namespace&universal id&type, e.g. `NHS&2.16.840.1.113883.2.1.4.1&ISO`.
      authority: segment.get(`${field}[${r}].4.1`).trim().toUpperCase(),
      type: segment.get(`${field}[${r}].5`).trim().toUpperCase(),
      location: `${segment.name}-${field}[${r}]`,
    });
  }
  return out;
}

/**
 * The national number's CX: identifier type NH (table 0203: national health plan number) or an
 * assigning authority NHS, CHI or HC. Which national number it is depends on the trust
 * (`hl7.nationalNumber`): Scottish RIS type their CHI numbers NH too. An explicit CHI or HC
 * authority (or type) wins over the trust's setting.
 */
function isNhsCx(cx: Cx): boolean {
  return cx.type === 'NH' || cx.authority === 'NHS' || isNationalAuthority(cx.authority) || isNationalAuthority(cx.type);
}

function isNationalAuthority(value: string): boolean {
  return value === 'CHI' || value === 'HC' || value === 'H&C' || value === 'HCN';
}

/**
 * Which national number a CX holds, at a trust whose PID carries `trustKind`. An explicit CHI or
 * H&C authority or type says so anywhere; otherwise the trust's setting decides, also over an
 * `NHS` authority: Scottish and Northern Irish RIS reuse English interface templates, and a CHI
 * number taken for an NHS number would link a stranger.
 */
function nationalKindOf(cx: Pick<Cx, 'authority' | 'type'>, trustKind: NationalNumberKind): NationalNumberKind {
  for (const v of [cx.authority, cx.type]) {
    if (v === 'CHI') return 'CHI';
    if (v === 'HC' || v === 'H&C' || v === 'HCN') return 'HC';
  }
  return trustKind;
}

/**
 * The local MRN of a CX list: type MR (table 0203), else the first identifier that is not the
 * NHS number. Used for PID-3 and for MRG-1 (A40's retired identifier).
 */
export function mrnOf(segment: Hl7Segment, field: number): string | null {
  const ids = identifiers(segment, field).filter((cx) => cx.id !== '');
  return (ids.find((cx) => cx.type === 'MR') ?? ids.find((cx) => !isNhsCx(cx)))?.id ?? null;
}

/** Table 0001 administrative sex → the network's Sex (A ambiguous → OTHER, N not applicable → UNKNOWN). */
const SEX: Record<string, SexValue> = { F: 'FEMALE', M: 'MALE', O: 'OTHER', A: 'OTHER', U: 'UNKNOWN', N: 'UNKNOWN' };

/**
 * Reads the patient a PID segment names (HL7 v2.5.1 ch. 3.4.2).
 * - NHS number: the PID-3 repetition typed NH or issued by NHS, else PID-2 (v2.3 "external id").
 *   One failing the Modulus 11 check is not stored: a warning ERR 102 (the number itself is
 *   never echoed: it is patient data).
 * - Name PID-5 (first repetition: family XPN-1.1, given XPN-2 then XPN-3), birth date PID-7,
 *   sex PID-8. `""` clears, empty leaves unchanged.
 */
export function readPatient(pid: Hl7Segment | undefined, ctx: MessageContext): PatientFacts {
  if (!pid) throw new ApplyError('the message has no PID segment', 100, 'PID');
  const changes: PatientChanges = {};
  let nhsNumber: string | null = null;

  const nationalIds: PatientFacts['nationalIds'] = [];
  const nhsCx = identifiers(pid, 3).find((cx) => cx.id !== '' && isNhsCx(cx));
  const pid2 = pid.get('2.1').trim() ? { id: pid.get('2.1').trim(), location: 'PID-2', authority: pid.get('2.4.1').trim().toUpperCase(), type: pid.get('2.5').trim().toUpperCase() } : undefined;
  let candidate = nhsCx ?? pid2;
  const kind = candidate ? nationalKindOf(candidate, ctx.options.nationalNumber) : 'NHS';
  if (candidate && kind !== 'NHS') {
    // A CHI (Scotland) or H&C (Northern Ireland) number: kept as such, never matched as an NHS
    // number (CHI numbers also pass Modulus 11, so only the trust's word tells them apart).
    if (/^\d{10}$/.test(candidate.id.replace(/ /g, ''))) nationalIds.push({ type: kind, value: candidate.id.replace(/ /g, '') });
    else ctx.warn(102, candidate.location, `${kind === 'CHI' ? 'CHI' : 'H&C'} number not stored: it has exactly 10 digits`);
    candidate = undefined;
  }
  if (candidate) {
    const checked = checkNhsNumber(candidate.id);
    if (checked.value) {
      nhsNumber = checked.value;
      changes.nhsNumber = checked.value;
    } else {
      ctx.warn(102, candidate.location, `NHS number not stored: ${describeNhsNumberProblem(checked.problem!)}`);
    }
  } else if (pid.field(2)?.isNull()) {
    changes.nhsNumber = null;
  }

  const name = pid.field(5);
  if (name?.isNull()) {
    changes.family = null;
    changes.given = null;
  } else if (name && !name.isEmpty()) {
    changes.family = pid.get('5.1.1').trim() || null;
    changes.given = [pid.get('5.2'), ...pid.get('5.3').split(/\s+/)].map((g) => g.trim()).filter((g) => g !== '');
  }

  const birth = valueChange(pid, '7.1');
  if (birth === null) changes.birthDate = null;
  else if (birth !== undefined) {
    const date = /^\d{8}/.test(birth) ? parseDate(`${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}`) : undefined;
    if (date) changes.birthDate = date;
    else ctx.warn(102, 'PID-7', 'date of birth is not a full date (YYYYMMDD); not stored');
  }

  const sex = valueChange(pid, '8');
  if (sex === null) changes.sex = null;
  else if (sex !== undefined) {
    const mapped = SEX[sex.toUpperCase()];
    if (mapped) changes.sex = mapped;
    else ctx.warn(103, 'PID-8', 'administrative sex is not a table 0001 value; not stored');
  }

  const mrn = mrnOf(pid, 3);
  if (mrn === null && nhsNumber === null) {
    throw new ApplyError('PID-3 holds no patient identifier (MRN or valid NHS number)', 101, 'PID-3');
  }
  return { mrn, nhsNumber, changes, nationalIds };
}
