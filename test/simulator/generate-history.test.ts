import { Hl7Message as MedplumMessage } from '@medplum/core';
import { describe, expect, it } from 'vitest';
import { isValidNhsNumber } from '../../schema/nhs-number.ts';
import { Hl7Message } from '../../subgraphs/trust/ris/hl7/index.ts';
import { generateHistory } from '../../simulator/generate-history.ts';
import { BUILT_IN_PROFILES, RH8_PROFILE, RTH_PROFILE, RXA_PROFILE, type SimTrustProfile } from '../../simulator/sim-trust-profile.ts';

const NOW = '2026-03-29T12:00:00Z'; // spans the UK clock change (29 March 2026, 01:00 UTC)
const OPTS = { seed: 7, days: 10, studiesPerDay: 30, now: NOW };
const histories = new Map(BUILT_IN_PROFILES.map((p) => [p.code, generateHistory(p, OPTS)]));
const historyOf = (p: SimTrustProfile) => histories.get(p.code)!;

/** Accession of an order message, read where the dialect puts it. */
function accessionOf(p: SimTrustProfile, m: Hl7Message): string {
  if (p.dialect.accessionIn === 'IPC-1') return m.get('IPC-1.1');
  if (p.dialect.accessionIn === 'OBR-3') return m.get('OBR-3.1');
  return m.get('OBR-18');
}

function nhsNumberOf(p: SimTrustProfile, m: Hl7Message): string | undefined {
  if (p.dialect.nhsNumberIn === 'PID-2') return m.get('PID-2.1') || undefined;
  const reps = m.getAll('PID-3.1');
  const types = m.getAll('PID-3.5');
  const i = types.indexOf('NH');
  return i < 0 ? undefined : reps[i];
}

describe('generateHistory', () => {
  it('is deterministic: the same seed gives byte-identical messages and studies', () => {
    const again = generateHistory(RH8_PROFILE, OPTS);
    expect(again.messages.map((m) => m.hl7).join('\n')).toBe(historyOf(RH8_PROFILE).messages.map((m) => m.hl7).join('\n'));
    expect(JSON.stringify(again.studies)).toBe(JSON.stringify(historyOf(RH8_PROFILE).studies));
    const other = generateHistory(RH8_PROFILE, { ...OPTS, seed: 8 });
    expect(other.messages.map((m) => m.hl7).join('\n')).not.toBe(historyOf(RH8_PROFILE).messages.map((m) => m.hl7).join('\n'));
  });

  it('keeps the studies of shared days when the window moves (same accession, same UID)', () => {
    const later = generateHistory(RXA_PROFILE, { ...OPTS, now: '2026-03-30T12:00:00Z' });
    // Keyed by UID: a re-scan (hard-cases.ts) is a second PACS study of one accession.
    const byUid = new Map(later.studies.map((s) => [s.studyInstanceUid, s]));
    const early = historyOf(RXA_PROFILE).studies.filter((s) => s.accessionNumber.startsWith('RXA2603'));
    const shared = early.filter((s) => byUid.has(s.studyInstanceUid));
    expect(shared.length).toBeGreaterThan(early.length / 2);
    for (const s of shared) expect(byUid.get(s.studyInstanceUid)).toEqual(s);
  });

  it('sends messages in time order with unique control ids', () => {
    for (const p of BUILT_IN_PROFILES) {
      const msgs = historyOf(p).messages;
      for (let i = 1; i < msgs.length; i++) expect(msgs[i]!.at >= msgs[i - 1]!.at).toBe(true);
      expect(new Set(msgs.map((m) => m.controlId)).size).toBe(msgs.length);
      for (const m of msgs) expect(m.controlId.length).toBeLessThanOrEqual(20); // MSH-10 ST(20) in v2.3
    }
  });

  it('gives every patient a valid 999-range NHS number (Modulus 11), shared across trusts', () => {
    const nhsByTrust = new Map<string, Set<string>>();
    for (const p of BUILT_IN_PROFILES) {
      const seen = new Set<string>();
      for (const m of historyOf(p).messages) {
        const parsed = Hl7Message.parse(m.hl7);
        if (!parsed.segment('PID')) continue;
        const nhs = nhsNumberOf(p, parsed);
        if (nhs === undefined) continue; // a temporary registration before tracing
        expect(nhs).toMatch(/^999\d{7}$/);
        expect(isValidNhsNumber(nhs)).toBe(true);
        seen.add(nhs);
      }
      nhsByTrust.set(p.code, seen);
    }
    const [a, b, c] = BUILT_IN_PROFILES.map((p) => nhsByTrust.get(p.code)!);
    const overlap = [...a!].filter((n) => b!.has(n) || c!.has(n));
    expect(overlap.length).toBeGreaterThan(0);
  });

  it('is consistent: every PACS study matches an order (accession, UID, patient, modality, performed time)', () => {
    for (const p of BUILT_IN_PROFILES) {
      const orders = new Map<string, Hl7Message>();
      for (const m of historyOf(p).messages) {
        if (m.type !== 'ORM^O01' && m.type !== 'OMI^O23') continue;
        const parsed = Hl7Message.parse(m.hl7);
        if (parsed.get('ORC-5') === 'CM') orders.set(accessionOf(p, parsed), parsed);
      }
      expect(historyOf(p).studies.length).toBeGreaterThan(50);
      const studies = historyOf(p).studies;
      for (const s of studies) {
        const o = orders.get(s.accessionNumber);
        expect(o, `${p.code} ${s.accessionNumber} has a CM order`).toBeDefined();
        const uid = p.dialect.orders === 'OMI' ? o!.get('IPC-3') : o!.get('ZDS-1.1');
        // A re-scan (hard-cases.ts) is a second study of the accession, performed after the order's.
        const rescan = uid !== s.studyInstanceUid;
        if (rescan) {
          expect(studies.some((x) => x.studyInstanceUid === uid && x.accessionNumber === s.accessionNumber), `${s.accessionNumber} rescan`).toBe(true);
          continue;
        }
        expect(uid).toBe(s.studyInstanceUid);
        expect(s.studyInstanceUid).toMatch(/^2\.25\.[1-9]\d{0,38}$/);
        expect(o!.get('PID-3[1].1')).toBe(s.patientId);
        expect([o!.get('PID-5.1'), o!.get('PID-5.2'), o!.get('PID-5.3')].filter(Boolean).join('^')).toBe(s.patientName);
        expect(o!.get('PID-7')).toBe(s.patientBirthDate);
        expect(o!.get('PID-8')).toBe(s.patientSex);
        expect(o!.get('OBR-4.2')).toBe(s.studyDescription);
        expect(s.series.map((x) => x.modality)).toContain(o!.get('OBR-24'));
        // A local-times dialect writes the wall-clock time alone (but the autumn hour, which is ambiguous).
        expect(o!.get('OBR-7').startsWith(`${s.studyDate}${s.studyTime}`)).toBe(true);
        if (!p.dialect.localTimes) expect(o!.get('OBR-7')).toBe(`${s.studyDate}${s.studyTime}${s.timezoneOffsetFromUtc}`);
        expect(s.series.length).toBeGreaterThanOrEqual(1);
        expect(s.series.length).toBeLessThanOrEqual(4);
        s.series.forEach((x, i) => expect(x.seriesNumber).toBe(i + 1));
      }
    }
  });

  it('writes local times with the offset of the day (GMT before, BST after the clock change)', () => {
    const offsets = new Set(historyOf(RXA_PROFILE).studies.map((s) => s.timezoneOffsetFromUtc));
    expect(offsets).toEqual(new Set(['+0000', '+0100']));
  });

  it('covers the whole life cycle: cancellations, P/F/C reports, backlog, merges, updates, urgent mix', () => {
    for (const p of BUILT_IN_PROFILES) {
      const { messages, studies } = historyOf(p);
      const parsed = messages.map((m) => ({ m, h: Hl7Message.parse(m.hl7) }));
      const statuses = new Set(parsed.filter((x) => x.m.type === 'ORU^R01').map((x) => x.h.get('OBR-25')));
      // X (order cancelled by an ORU, a hard case) may appear too.
      expect([...statuses].filter((s) => s !== 'X').sort()).toEqual(['C', 'F', 'P']);
      expect(parsed.some((x) => x.h.get('ORC-1') === 'CA' && x.h.get('ORC-5') === 'CA')).toBe(true);
      expect(messages.some((m) => m.type === 'ADT^A08')).toBe(true);
      const merge = parsed.find((x) => x.m.type === 'ADT^A40');
      expect(merge).toBeDefined();
      expect(merge!.h.get('MRG-1.1')).not.toBe(merge!.h.get('PID-3.1'));
      const finals = new Set(parsed.filter((x) => x.h.get('OBR-25') === 'F').map((x) => x.m.accessionNumber));
      expect(studies.filter((s) => !finals.has(s.accessionNumber)).length).toBeGreaterThan(0); // backlog
      const news = parsed.filter((x) => x.h.get('ORC-1') === 'NW');
      const priority = (x: (typeof news)[number]) => (p.dialect.orders === 'OMI' ? x.h.get('TQ1-9.1') : x.h.get('ORC-7.6'));
      const urgent = news.filter((x) => priority(x) !== 'R').length / news.length;
      expect(urgent).toBeGreaterThan(0.07);
      expect(urgent).toBeLessThan(0.3);
      expect(new Set(studies.flatMap((s) => s.series.map((x) => x.modality))).size).toBeGreaterThanOrEqual(6);
    }
  });

  it('exercises the codec: report text holds & ^ | \\ ~ that decode back', () => {
    const all = BUILT_IN_PROFILES.flatMap((p) => historyOf(p).messages.filter((m) => m.type === 'ORU^R01'));
    const raw = all.map((m) => m.hl7).join('');
    for (const esc of ['\\T\\', '\\S\\', '\\F\\', '\\E\\', '\\R\\']) expect(raw).toContain(esc);
    const text = all.map((m) => Hl7Message.parse(m.hl7).getAll('OBX-5').join('\n')).join('\n');
    for (const ch of ['&', '^', '|', '\\', '~', '—']) expect(text).toContain(ch);
  });
});

describe('dialects (read with @medplum/core as an independent parser)', () => {
  const medplum = (p: SimTrustProfile) => historyOf(p).messages.map((m) => ({ m, h: MedplumMessage.parse(m.hl7) }));

  it('RXA: v2.3 ORM^O01, NHS number in PID-3 (CX-5 NH, NHS OID authority), TX reports, accession in OBR-18', () => {
    const msgs = medplum(RXA_PROFILE);
    expect(new Set(msgs.map((x) => x.h.getSegment('MSH')!.getField(12).toString()))).toEqual(new Set(['2.3']));
    expect(msgs.some((x) => x.m.type === 'OMI^O23' || x.m.type === 'SIU^S12')).toBe(false);
    const order = msgs.find((x) => x.m.type === 'ORM^O01' && x.h.getSegment('ORC')!.getField(1).toString() === 'NW')!;
    expect(order.h.getSegment('MSH')!.getField(9).toString()).toBe('ORM^O01');
    const pid3 = order.h.getSegment('PID')!.getField(3).components;
    const nhs = pid3.find((rep) => rep[4] === 'NH');
    expect(nhs?.[3]).toBe('NHS&2.16.840.1.113883.2.1.4.1&ISO');
    expect(order.h.getSegment('PID')!.getField(2).toString()).toBe('');
    expect(order.h.getSegment('OBR')!.getField(18).toString()).toBe(order.m.accessionNumber);
    const report = msgs.find((x) => x.m.type === 'ORU^R01')!;
    const obx = report.h.getAllSegments('OBX');
    expect(obx.length).toBeGreaterThan(3);
    for (const o of obx) expect(o.getField(2).toString()).toBe('TX');
  });

  it('RH8: v2.4 ORM^O01, NHS number in PID-2, FT reports with \\.br\\, accession in OBR-3', () => {
    const msgs = medplum(RH8_PROFILE);
    expect(new Set(msgs.map((x) => x.h.getSegment('MSH')!.getField(12).toString()))).toEqual(new Set(['2.4']));
    const order = msgs.find((x) => x.m.type === 'ORM^O01')!;
    expect(order.h.getSegment('MSH')!.getField(9).toString()).toBe('ORM^O01^ORM_O01');
    expect(order.h.getSegment('PID')!.getComponent(2, 5)).toBe('NH');
    expect(order.h.getSegment('PID')!.getField(3).components.some((rep) => rep[4] === 'NH')).toBe(false);
    expect(order.h.getSegment('OBR')!.getComponent(3, 1)).toBe(order.m.accessionNumber);
    const report = msgs.find((x) => x.m.type === 'ORU^R01')!;
    const obx = report.h.getAllSegments('OBX');
    expect(obx).toHaveLength(1);
    expect(obx[0]!.getField(2).toString()).toBe('FT');
    expect(obx[0]!.getField(5).toString()).toContain('\\.br\\');
  });

  it('RTH: v2.5.1 OMI^O23 with TQ1 and IPC (accession, Study UID, modality), SIU^S12 bookings, FT reports', () => {
    const msgs = medplum(RTH_PROFILE);
    expect(new Set(msgs.map((x) => x.h.getSegment('MSH')!.getField(12).toString()))).toEqual(new Set(['2.5.1']));
    expect(msgs.some((x) => x.m.type === 'ORM^O01')).toBe(false);
    const order = msgs.find((x) => x.m.type === 'OMI^O23' && x.h.getSegment('ORC')!.getField(5).toString() === 'CM')!;
    expect(order.h.getSegment('MSH')!.getField(9).toString()).toBe('OMI^O23^OMI_O23');
    expect(order.h.segments.map((s) => s.name).filter(Boolean)).toEqual(['MSH', 'PID', 'PV1', 'ORC', 'TQ1', 'OBR', 'IPC']);
    const ipc = order.h.getSegment('IPC')!;
    expect(ipc.getComponent(1, 1)).toBe(order.m.accessionNumber);
    expect(ipc.getField(3).toString()).toMatch(/^2\.25\./);
    expect(ipc.getField(5).toString()).toBe(order.h.getSegment('OBR')!.getField(24).toString());
    expect(order.h.getSegment('TQ1')!.getField(7).toString()).toMatch(/^\d{14}[+-]\d{4}$/);
    const siu = msgs.find((x) => x.m.type === 'SIU^S12')!;
    expect(siu.h.getSegment('SCH')!.getComponent(2, 1)).toBe(siu.m.accessionNumber);
    const report = msgs.find((x) => x.m.type === 'ORU^R01')!;
    expect(report.h.getAllSegments('OBX')).toHaveLength(1);
    expect(report.h.getSegment('OBR')!.getField(18).toString()).toBe(report.m.accessionNumber);
  });

  it('FT report text decodes with the trust parser to the same lines TX sends', () => {
    const report = historyOf(RH8_PROFILE).messages.find((m) => m.type === 'ORU^R01')!;
    const text = Hl7Message.parse(report.hl7).get('OBX-5');
    expect(text.split('\n').length).toBeGreaterThan(5);
    expect(text).toMatch(/^[A-Z]/);
  });
});
