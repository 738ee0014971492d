import { openTrustStore } from '../subgraphs/trust/store/open-trust-store.ts';
import type { StudyStatusValue } from '../schema/generated/enums.ts';
import type { WorkflowStatus } from '../subgraphs/trust/ris/ingest-port.ts';

const DAY = 86_400_000;
const MODALITIES = ['CT', 'MR', 'US', 'CR', 'DX', 'NM'];

/**
 * BENCH SEEDING through the product's write path: `count` RIS orders (and their final reports)
 * written with the store's own writer in one transaction, so the study index (with its capacity
 * columns) is maintained exactly as the HL7 apply path maintains it. A constant activity of
 * `perDay` orders a day: a larger store is a DEEPER history, the recent weeks look alike at every
 * size (what a capacity report's cost should depend on). Orders older than two weeks are
 * performed and reported; recent ones are spread over the backlog states. Synthetic, no patient.
 */
export function seedCapacityOrders(path: string, opts: { count: number; perDay: number; now: number; seed: number }): { days: number } {
  let a = opts.seed;
  const rnd = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const iso = (ms: number) => new Date(ms).toISOString();
  const store = openTrustStore(path);
  try {
    store.transaction((w) => {
      const patientId = w.createPatient({ nhsNumber: '9990000018', family: 'SYNTH', given: ['BENCH'] });
      for (let i = 0; i < opts.count; i++) {
        const requested = opts.now - (i / opts.perDay) * DAY - rnd() * 3_600_000;
        const age = (opts.now - requested) / DAY;
        const scheduled = requested + (1 + rnd() * 5) * DAY;
        const performed = requested + (2 + rnd() * 8) * DAY;
        const reported = performed + (0.1 + rnd() * 4) * DAY;
        const done = performed < opts.now && (age > 14 || rnd() < 0.5);
        const final = done && reported < opts.now && (age > 14 || rnd() < 0.6);
        const status: StudyStatusValue = final ? 'FINAL' : done ? 'COMPLETED' : scheduled < opts.now + 30 * DAY && rnd() < 0.7 ? 'SCHEDULED' : 'REQUESTED';
        const accessionNumber = `CAP${String(i).padStart(8, '0')}`;
        w.saveOrder({
          accessionNumber, patientId, placerOrderNumber: null, fillerOrderNumber: null, studyInstanceUid: null,
          description: 'synthetic', bodyPart: null, modality: MODALITIES[i % MODALITIES.length]!, priority: rnd() < 0.8 ? 'ROUTINE' : 'URGENT',
          workflowStatus: (final ? 'COMPLETED' : status) as WorkflowStatus, cancelled: false, status,
          requestedAt: iso(requested), scheduledAt: status === 'REQUESTED' ? null : iso(scheduled), performedAt: done ? iso(performed) : null,
          appointmentCancelledAt: null, orderMissing: false, procedureCode: null, procedureCodingSystem: null, patientClass: null,
          onHold: false, didNotAttendAt: null, waitStartedAt: iso(requested), cancelledAt: null,
        });
        if (final) {
          w.addReportVersion({
            accessionNumber, status: 'FINAL', resultStatus: 'F', text: 'synthetic', reportedAt: iso(reported), author: null,
            kind: 'ORIGINAL', attachment: null, reporter: null, assistant: null, patientId, journalId: null,
          });
        }
      }
    });
  } finally {
    store.close();
  }
  return { days: Math.ceil(opts.count / opts.perDay) };
}
