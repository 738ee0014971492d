import { chiNumberOf } from './chi-number.ts';
import { formatHl7Date, formatHl7Time } from './hl7-time.ts';
import type { Hl7FieldValue, Hl7TextBuilder } from './hl7-text-builder.ts';
import type { SimMessageType } from './sim-message.ts';
import { NHS_NUMBER_AUTHORITY, type SimTrustProfile } from './sim-trust-profile.ts';
import type { PatientClass, SimPerson } from './study-plan.ts';
import type { SimPatient } from './synthetic-patients.ts';

/** What MSH needs besides the profile. */
export interface MessageHeader {
  type: SimMessageType;
  /** MSH-9.3 message structure (table 0354), written from v2.3.1 on. */
  structure: string;
  controlId: string;
  at: number;
}

/**
 * MSH (chapter 2.14.9). MSH-9.3 only from v2.3.1 on; MSH-15/16 empty, so the receiver answers in
 * original acknowledgement mode (AA/AE/AR, table 0008); MSH-18 `UNICODE UTF-8` because names and
 * report text are not ASCII.
 */
export function writeMsh(b: Hl7TextBuilder, profile: SimTrustProfile, h: MessageHeader): void {
  const [code, trigger] = h.type.split('^') as [string, string];
  const type = profile.dialect.version === '2.3' ? [code, trigger] : [code, trigger, h.structure];
  b.msh([
    profile.sendingApplication, profile.sendingFacility, 'IMAGING-NETWORK', profile.code,
    formatHl7Time(h.at, profile.timezone), null, type, h.controlId, 'P', profile.dialect.version,
    null, null, null, null, 'GBR', 'UNICODE UTF-8',
  ]);
}

/** XCN: id ^ family ^ given ^ ^ ^ prefix (chapter 2A.89). */
export function xcn(p: SimPerson): Hl7FieldValue {
  return [p.id, p.family, p.given, null, null, 'Dr'];
}

export interface PidInput {
  patient: SimPatient;
  mrn: string;
  /** False for a duplicate registration: the NHS number is not yet traced. */
  nhsNumberKnown: boolean;
  /** ADT^A08 sends the patient's new address; other messages the old one. */
  moved?: boolean;
}

/**
 * PID (chapter 3.4.2). PID-3 always holds the local MRN (CX-5 `MR`, CX-4 the trust). The NHS
 * number goes, by dialect, in a PID-3 repetition or in PID-2, with CX-5 `NH` (table 0203) and
 * CX-4 the NHS assigning authority (HD namespace & OID & ISO).
 */
export function writePid(b: Hl7TextBuilder, profile: SimTrustProfile, input: PidInput): void {
  const { patient } = input;
  const chi = profile.dialect.nationalNumber === 'CHI';
  // A CHI trust writes the patient's CHI number, typed NH with no authority (hard-cases.ts).
  const nhs = !input.nhsNumberKnown
    ? null
    : chi
      ? [chiNumberOf(patient.birthDate, patient.sex, patient.nhsNumber), null, null, null, 'NH']
      : [patient.nhsNumber, null, null, [...NHS_NUMBER_AUTHORITY], 'NH'];
  const mrn = [input.mrn, null, null, profile.code, 'MR'];
  const pid2 = profile.dialect.nhsNumberIn === 'PID-2' ? nhs : null;
  const pid3 = profile.dialect.nhsNumberIn === 'PID-3' && nhs ? { repeat: [mrn, nhs] } : mrn;
  const street = input.moved ? `Flat 2, ${patient.street}` : patient.street;
  b.segment('PID', [
    '1', pid2, pid3, null,
    [patient.family, patient.given[0] ?? null, patient.given[1] ?? null],
    null, formatHl7Date(patient.birthDate), patient.sex, null, null,
    [street, null, patient.city, null, patient.postcode, 'GBR'],
    null, input.moved ? patient.phone.replace(/\d$/, (d) => String((Number(d) + 1) % 10)) : patient.phone,
  ]);
}

const LOCATION: Record<PatientClass, string> = { E: 'ED', I: 'WARD7', O: 'OPD' };

/** PV1 (chapter 3.4.3): PV1-2 patient class (table 0004), PV1-3 location, PV1-8 referring doctor. */
export function writePv1(b: Hl7TextBuilder, cls: PatientClass, referrer: SimPerson | null): void {
  b.segment('PV1', ['1', cls, [LOCATION[cls]], null, null, null, null, referrer ? xcn(referrer) : null]);
}
