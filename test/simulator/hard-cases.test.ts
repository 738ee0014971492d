import { describe, expect, it } from 'vitest';
import { Hl7Message } from '../../subgraphs/trust/ris/hl7/index.ts';
import { generateHistory, resolveHistory } from '../../simulator/generate-history.ts';
import { BUILT_IN_PROFILES, RH8_PROFILE } from '../../simulator/sim-trust-profile.ts';

/** The history the simulated-trust integration test feeds (trust-ris-simulated.test.ts). */
const OPTS = { seed: 7, days: 21, studiesPerDay: 6, now: '2026-04-10T12:00:00Z' };

describe('simulator hard cases (issue 14)', () => {
  const all = BUILT_IN_PROFILES.map((p) => ({ p, history: generateHistory(p, OPTS), plans: resolveHistory(p, OPTS).plans }));

  it('the integration history contains every hard case, so the tests exercise them', () => {
    const cases = new Set(all.flatMap(({ plans }) => plans.flatMap((plan) => plan.hardCases ?? [])));
    expect([...cases].sort()).toEqual(['addendum', 'did-not-attend', 'duplicate-record', 'late-preliminary', 'rescan', 'x-cancel']);
  });

  it('a late preliminary is sent after its final; an X cancellation is an ORU with OBR-25 X; a DNA is SIU^S26', () => {
    for (const { history, plans } of all) {
      const sentByNow = (x: (typeof plans)[number]) => x.reports.some((r) => r.status === 'P' && r.sentAt! <= Date.parse(OPTS.now));
      for (const plan of plans.filter((x) => x.hardCases?.includes('late-preliminary') && sentByNow(x))) {
        const mine = history.messages.filter((m) => m.accessionNumber === plan.accessionNumber && m.type === 'ORU^R01');
        const statuses = mine.map((m) => Hl7Message.parse(m.hl7).get('OBR-25'));
        expect(statuses.indexOf('F'), plan.accessionNumber).toBeGreaterThanOrEqual(0);
        expect(statuses.indexOf('P'), plan.accessionNumber).toBeGreaterThan(statuses.indexOf('F'));
      }
      for (const plan of plans.filter((x) => x.hardCases?.includes('x-cancel') && x.cancelledAt! <= Date.parse(OPTS.now))) {
        const x = history.messages.find((m) => m.accessionNumber === plan.accessionNumber && m.type === 'ORU^R01');
        expect(x && Hl7Message.parse(x.hl7).get('OBR-25'), plan.accessionNumber).toBe('X');
      }
      for (const plan of plans.filter((x) => x.hardCases?.includes('did-not-attend') && x.dnaAt! <= Date.parse(OPTS.now))) {
        expect(history.messages.some((m) => m.accessionNumber === plan.accessionNumber && m.type === 'SIU^S26'), plan.accessionNumber).toBe(true);
      }
    }
  });

  it('a re-scan leaves two PACS studies (distinct UIDs) for one accession', () => {
    const now = Date.parse(OPTS.now);
    let seen = 0;
    for (const { history, plans } of all) {
      for (const plan of plans.filter((x) => x.rescan && x.rescan.startedAt <= now && x.completedAt! <= now)) {
        const mine = history.studies.filter((s) => s.accessionNumber === plan.accessionNumber);
        expect(mine.map((s) => s.studyInstanceUid).sort(), plan.accessionNumber).toEqual([plan.studyInstanceUid, plan.rescan!.studyInstanceUid].sort());
        seen++;
      }
    }
    expect(seen).toBeGreaterThan(0);
  });

  it('one patient, two records: a duplicate registration shares the NHS number under a second MRN', () => {
    const dup = all.flatMap(({ plans }) => plans).filter((p) => p.hardCases?.includes('duplicate-record'));
    expect(dup.length).toBeGreaterThan(0);
    for (const plan of dup) expect(plan.mrn).toBe(`${plan.survivorMrn}`);
  });

  it('RH8 writes a local priority word (SOON) that its trust config maps', () => {
    const { history } = all.find(({ p }) => p.code === RH8_PROFILE.code)!;
    const words = new Set(history.messages.filter((m) => m.type === 'ORM^O01').map((m) => Hl7Message.parse(m.hl7).get('ORC-7.6')));
    expect(words.has('SOON')).toBe(true);
  });

  it('RH8 writes body times without an offset (MSH-7 keeps its own) in a feed that crosses the March clock change', () => {
    const { history } = all.find(({ p }) => p.code === RH8_PROFILE.code)!;
    const orders = history.messages.filter((m) => m.type === 'ORM^O01').map((m) => Hl7Message.parse(m.hl7));
    expect(orders.every((h) => /[+-]\d{4}$/.test(h.get('MSH-7')))).toBe(true);
    expect(orders.some((h) => /^\d{14}$/.test(h.get('OBR-6')))).toBe(true);
    const offsets = new Set(orders.map((h) => h.get('MSH-7').slice(-5)));
    expect(offsets).toEqual(new Set(['+0000', '+0100']));
  });
});
