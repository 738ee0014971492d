import { MODALITY_MIX, SOP_CLASS_BY_MODALITY, proceduresOf, type Procedure } from './procedure-catalogue.ts';
import { drawIndication, reportLines } from './report-text.ts';
import { randomFor, type SeededRandom } from './seeded-random.ts';
import type { SimSeries } from './sim-study.ts';
import { deterministicUid } from './study-uid.ts';
import { localMrn, poolPatient, temporaryMrn, type SimPatient } from './synthetic-patients.ts';

/** PV1-2 patient class (HL7 table 0004): emergency, inpatient, outpatient. */
export type PatientClass = 'E' | 'I' | 'O';
/** TQ-6 / TQ1-9 priority (HL7 table 0027): stat, ASAP (our "urgent"), routine. */
export type OrderPriority = 'S' | 'A' | 'R';

/** An XCN person: id, family, given. */
export interface SimPerson {
  id: string;
  family: string;
  given: string;
}

export interface ReportVersion {
  /** OBR-25 result status (table 0123): preliminary, final, corrected. */
  status: 'P' | 'F' | 'C';
  /** When it was reported (OBR-22). */
  at: number;
  /** When the RIS sends it, when later than `at` (a late preliminary, hard-cases.ts). */
  sentAt?: number;
  author: SimPerson;
  lines: string[];
}

/** A hard case a plan exercises (hard-cases.ts says what each one does). */
export type HardCase = 'late-preliminary' | 'addendum' | 'x-cancel' | 'did-not-attend' | 'duplicate-record' | 'rescan';

/** One requested procedure and everything that will happen to it, as epoch milliseconds. */
export interface StudyPlan {
  trust: string;
  accessionNumber: string;
  /** ORC-2: the requesting system's (EPR) order number. */
  placerOrderNumber: string;
  /** ORC-3: the RIS's own order number. */
  fillerOrderNumber: string;
  studyInstanceUid: string;
  patient: SimPatient;
  /** PID-3 MRN on this order: the patient's own, or a temporary one later merged (ADT^A40). */
  mrn: string;
  /** The patient's permanent MRN at this trust: the survivor of any merge. */
  survivorMrn: string;
  /** False for a duplicate registration whose NHS number was not traced yet. */
  nhsNumberKnown: boolean;
  procedure: Procedure;
  patientClass: PatientClass;
  priority: OrderPriority;
  indication: string;
  referrer: SimPerson;
  requestedAt: number;
  /** When the booking is announced (ORC SC / SIU^S12), and the appointment it books. */
  bookedAt?: number;
  appointmentAt?: number;
  startedAt?: number;
  completedAt?: number;
  cancelledAt?: number;
  /** How the cancellation is sent: ORC-1 CA (default) or an ORU with OBR-25 X. */
  cancelledBy?: 'ORC' | 'ORU-X';
  /** The patient did not attend (SIU^S26); rebooked (SIU^S12 / ORC SC) at `rebookedAt`. */
  dnaAt?: number;
  rebookedAt?: number;
  /** A repeat examination under the same accession: a second PACS study (hard-cases.ts). */
  rescan?: { studyInstanceUid: string; startedAt: number; series: SimSeries[] };
  /** The hard cases this plan exercises (hard-cases.ts), for tests and the demo. */
  hardCases?: HardCase[];
  reports: ReportVersion[];
  /** ADT^A08 demographic update (new address and phone) while the order waits. */
  updateAt?: number;
  /** ADT^A40 merging `mrn` into `survivorMrn`. */
  mergeAt?: number;
  series: SimSeries[];
}

/**
 * `history`: realistic waits (hours to weeks). `live`: the same steps compressed into minutes,
 * so a demo viewer sees an order go from NW to a final report while watching.
 */
export type PlanPace = 'history' | 'live';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const REFERRERS: readonly SimPerson[] = [
  { id: 'C1000001', family: 'Ashworth', given: 'Helen' },
  { id: 'C1000002', family: 'Mensah', given: 'Kofi' },
  { id: 'G1000003', family: 'Lindqvist', given: 'Anna' },
  { id: 'G1000004', family: 'Rahman', given: 'Tariq' },
  { id: 'C1000005', family: 'Fitzgerald', given: 'Ciara' },
];
const RADIOLOGISTS: readonly SimPerson[] = [
  { id: 'R2000001', family: 'Okonjo', given: 'Ngozi' },
  { id: 'R2000002', family: 'Hargreaves', given: 'Tom' },
  { id: 'R2000003', family: 'Desai', given: 'Meera' },
];
const REGISTRAR: SimPerson = { id: 'R2000009', family: 'Byrne', given: 'Liam' };
const SONOGRAPHER: SimPerson = { id: 'S3000001', family: 'Kowalski', given: 'Ewa' };

/** Exam room time in minutes by modality. */
const EXAM_MINUTES: Record<string, readonly [number, number]> = {
  CR: [4, 10], DX: [4, 10], US: [15, 30], CT: [8, 25], MR: [25, 50], MG: [12, 20], NM: [30, 90], PT: [60, 90], XA: [45, 120],
};

/** Routine outpatient wait (request to exam), median days: DM01 lists are longest for MR. */
const OUTPATIENT_WAIT_DAYS: Record<string, number> = { CR: 1, DX: 1, US: 18, CT: 14, MR: 21, MG: 10, NM: 14, PT: 10, XA: 14 };

function patientClassFor(rng: SeededRandom, modality: string): PatientClass {
  const mix: Record<string, readonly (readonly [PatientClass, number])[]> = {
    CR: [['E', 35], ['I', 20], ['O', 45]], DX: [['E', 45], ['I', 5], ['O', 50]],
    CT: [['E', 35], ['I', 30], ['O', 35]], MR: [['E', 5], ['I', 15], ['O', 80]],
    US: [['E', 5], ['I', 15], ['O', 80]], XA: [['I', 60], ['O', 40]], MG: [['O', 1]],
  };
  return rng.weighted(mix[modality] ?? [['I', 10], ['O', 90]]);
}

/** About 15% urgent or STAT overall, concentrated in ED and inpatients. */
function priorityFor(rng: SeededRandom, cls: PatientClass): OrderPriority {
  if (cls === 'E') return rng.weighted<OrderPriority>([['S', 20], ['A', 25], ['R', 55]]);
  if (cls === 'I') return rng.weighted<OrderPriority>([['S', 3], ['A', 12], ['R', 85]]);
  return rng.chance(0.04) ? 'A' : 'R';
}

/** Request to exam start. */
function waitMs(rng: SeededRandom, cls: PatientClass, prio: OrderPriority, modality: string): number {
  if (cls === 'E') return prio === 'S' ? rng.int(5, 30) * MIN : prio === 'A' ? rng.int(15, 90) * MIN : rng.int(30, 240) * MIN;
  if (cls === 'I') return prio === 'S' ? rng.int(15, 60) * MIN : prio === 'A' ? rng.int(60, 360) * MIN : rng.logNormal(8 * HOUR, 0.6);
  if (prio === 'A') return rng.logNormal(5 * DAY, 0.4);
  const median = OUTPATIENT_WAIT_DAYS[modality] ?? 14;
  return Math.min(rng.logNormal(median * DAY, modality === 'MR' ? 0.7 : 0.5), 90 * DAY);
}

/** Exam end to final report: long-tailed; inpatient plain film within a working day (RCR). */
function reportDelayMs(rng: SeededRandom, cls: PatientClass, modality: string): number {
  const plain = modality === 'CR' || modality === 'DX';
  const cross = modality === 'CT' || modality === 'MR';
  if (modality === 'US') return rng.int(5, 60) * MIN;
  let ms: number;
  if (cls === 'E') ms = cross ? rng.logNormal(1.5 * HOUR, 0.6) : rng.logNormal(10 * HOUR, 0.8);
  else if (cls === 'I') ms = plain ? rng.logNormal(8 * HOUR, 0.7) : cross ? rng.logNormal(5 * HOUR, 0.7) : rng.logNormal(DAY, 0.5);
  else if (plain) ms = rng.logNormal(2 * DAY, 1.0);
  else if (cross) ms = rng.logNormal(4 * DAY, 1.0);
  else if (modality === 'MG') ms = rng.logNormal(5 * DAY, 0.4);
  else ms = rng.logNormal(2 * DAY, 0.6);
  return Math.min(Math.max(ms, 10 * MIN), 60 * DAY);
}

/** Outpatient appointments fall in working hours, 08:00–17:45 (UTC hours: close enough for a simulator). */
function workingHours(ms: number, rng: SeededRandom): number {
  const day = Math.floor(ms / DAY) * DAY;
  return day + 8 * HOUR + rng.int(0, 39) * 15 * MIN;
}

function drawSeries(rng: SeededRandom, seed: number, trust: string, accession: string, proc: Procedure): SimSeries[] {
  return proc.series.map((t, i) => {
    const modality = t.modality ?? proc.modality;
    return {
      seriesInstanceUid: deterministicUid(seed, trust, accession, 'series', i + 1),
      seriesNumber: i + 1,
      modality,
      seriesDescription: t.description,
      bodyPartExamined: proc.bodyPart,
      sopClassUid: SOP_CLASS_BY_MODALITY[modality] ?? '1.2.840.10008.5.1.4.1.1.7',
      instanceCount: rng.int(t.instances[0], t.instances[1]),
    };
  });
}

export interface PlanInput {
  seed: number;
  trust: string;
  accessionNumber: string;
  requestedAt: number;
  /** Pool indexes of the trust's patients. */
  catchment: readonly number[];
  pace: PlanPace;
}

/**
 * Plans one study's life from its own random stream: adding a study never changes another. No
 * hard cases yet: `planStudy` (plan-study.ts) draws them on top.
 */
export function draftStudy(input: PlanInput): StudyPlan {
  const { seed, trust, accessionNumber, requestedAt, pace } = input;
  const rng = randomFor(seed, trust, 'study', accessionNumber);
  const patientIndex = rng.pick(input.catchment);
  const patient = poolPatient(seed, patientIndex);
  const modality = rng.weighted(MODALITY_MIX);
  const procedure = rng.weighted(proceduresOf(modality));
  const patientClass = patientClassFor(rng, modality);
  const priority = priorityFor(rng, patientClass);
  const survivorMrn = localMrn(seed, trust, patientIndex);
  // An ED patient registered again under a temporary number before tracing: merged later (A40).
  const duplicate = patientClass === 'E' && rng.chance(0.05);
  const live = pace === 'live';
  const plan: StudyPlan = {
    trust,
    accessionNumber,
    placerOrderNumber: `EPR${accessionNumber.slice(trust.length)}`,
    fillerOrderNumber: `${trust}O${accessionNumber.slice(trust.length)}`,
    studyInstanceUid: deterministicUid(seed, trust, accessionNumber, 'study'),
    patient,
    mrn: duplicate ? temporaryMrn(trust, accessionNumber) : survivorMrn,
    survivorMrn,
    nhsNumberKnown: !duplicate,
    procedure,
    patientClass,
    priority,
    indication: drawIndication(rng),
    referrer: rng.pick(REFERRERS),
    requestedAt,
    reports: [],
    series: drawSeries(rng, seed, trust, accessionNumber, procedure),
  };

  let appointment = requestedAt + (live ? rng.int(2, 10) * MIN : waitMs(rng, patientClass, priority, modality));
  if (!live && patientClass === 'O' && appointment - requestedAt > DAY) appointment = workingHours(appointment, rng);
  const bookingDelay = live ? rng.int(20, 90) * 1000 : patientClass === 'O' ? rng.logNormal(6 * HOUR, 1) : rng.int(1, 10) * MIN;
  plan.bookedAt = Math.min(requestedAt + bookingDelay, appointment - MIN);
  plan.appointmentAt = appointment;
  if (rng.chance(0.04)) {
    plan.cancelledAt = requestedAt + (appointment - requestedAt) * (0.2 + 0.7 * rng.next());
    if (plan.cancelledAt <= plan.bookedAt) delete plan.bookedAt;
    return finishAdmin(plan, rng, live);
  }
  const exam = EXAM_MINUTES[modality] ?? [10, 30];
  plan.startedAt = appointment + rng.int(0, patientClass === 'O' ? 30 : 15) * MIN;
  plan.completedAt = plan.startedAt + Math.max(1, Math.round(rng.int(exam[0], exam[1]) / (live ? 5 : 1))) * MIN;

  // About 2% are never reported at all: the backlog that turnaround dashboards exist to show.
  if (!rng.chance(0.02)) {
    const delay = live ? rng.int(3, 20) * MIN : reportDelayMs(rng, patientClass, modality);
    const finalAt = plan.completedAt + delay;
    const radiologist = modality === 'US' ? SONOGRAPHER : rng.pick(RADIOLOGISTS);
    const cross = modality === 'CT' || modality === 'MR';
    if (rng.chance(patientClass !== 'O' && cross ? 0.45 : 0.04)) {
      const at = plan.completedAt + Math.max(5 * MIN, delay * (0.2 + 0.4 * rng.next()));
      plan.reports.push(report(rng, plan, 'P', at, REGISTRAR));
    }
    plan.reports.push(report(rng, plan, 'F', finalAt, radiologist));
    if (rng.chance(0.03)) {
      const at = finalAt + (live ? rng.int(2, 15) * MIN : HOUR + rng.next() * 5 * DAY);
      plan.reports.push(report(rng, plan, 'C', at, radiologist));
    }
  }
  return finishAdmin(plan, rng, live);
}

function report(rng: SeededRandom, plan: StudyPlan, status: 'P' | 'F' | 'C', at: number, author: SimPerson): ReportVersion {
  const name = `${author.given[0]} ${author.family}`;
  return { status, at, author, lines: reportLines(rng, { procedure: plan.procedure, indication: plan.indication, status, author: name }) };
}

/** A08 updates and A40 merges, timed relative to the clinical steps; then the hard cases. */
function finishAdmin(plan: StudyPlan, rng: SeededRandom, live: boolean): StudyPlan {
  if (rng.chance(0.05)) plan.updateAt = plan.requestedAt + (live ? rng.int(1, 5) * MIN : HOUR + rng.next() * 3 * DAY);
  if (plan.mrn !== plan.survivorMrn) {
    const after = plan.completedAt ?? plan.cancelledAt ?? plan.requestedAt;
    plan.mergeAt = after + (live ? rng.int(2, 10) * MIN : 2 * HOUR + rng.next() * 2 * DAY);
  }
  return plan;
}
