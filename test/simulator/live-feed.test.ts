import { describe, expect, it } from 'vitest';
import { generateHistory } from '../../simulator/generate-history.ts';
import { createLiveFeed } from '../../simulator/live-feed.ts';
import { RTH_PROFILE } from '../../simulator/sim-trust-profile.ts';

const NOW = '2026-03-10T10:00:00Z';
const OPTS = { seed: 3, days: 3, studiesPerDay: 20, now: NOW };
const HOUR = 3_600_000;

describe('createLiveFeed', () => {
  it('continues the history: new ids only, open history studies progress, new requests arrive and complete', () => {
    const history = generateHistory(RTH_PROFILE, OPTS);
    const feed = createLiveFeed(RTH_PROFILE, { ...OPTS, ratePerMinute: 30 });
    const batch = feed.advance(Date.parse(NOW) + HOUR);
    expect(feed.clock).toBe(Date.parse(NOW) + HOUR);
    const historyIds = new Set(history.messages.map((m) => m.controlId));
    expect(batch.messages.length).toBeGreaterThan(50);
    for (const m of batch.messages) {
      expect(historyIds.has(m.controlId)).toBe(false);
      expect(Date.parse(m.at)).toBeGreaterThan(Date.parse(NOW));
    }
    const historyAccessions = new Set(history.messages.map((m) => m.accessionNumber));
    expect(batch.messages.some((m) => m.accessionNumber && historyAccessions.has(m.accessionNumber))).toBe(true);
    const live = batch.messages.filter((m) => m.accessionNumber?.startsWith('RTHL'));
    expect(live.some((m) => m.type === 'ORU^R01')).toBe(true);
    expect(batch.studies.some((s) => s.accessionNumber.startsWith('RTHL'))).toBe(true);
    // A registration precedes a live patient's first order only when the patient is new to the trust.
    const historyMrns = new Set(history.studies.map((s) => s.patientId));
    for (const m of batch.messages.filter((x) => x.type === 'ADT^A04' || x.type === 'ADT^A01')) {
      expect(historyMrns.has(m.hl7.split('\r')[2]!.split('|')[3]!.split('^')[0]!)).toBe(false);
    }
  });

  it('is deterministic and does not depend on how time is sliced', () => {
    const a = createLiveFeed(RTH_PROFILE, { ...OPTS, ratePerMinute: 12 });
    const b = createLiveFeed(RTH_PROFILE, { ...OPTS, ratePerMinute: 12 });
    const whole = a.advance(Date.parse(NOW) + HOUR).messages.map((m) => m.hl7);
    const sliced: string[] = [];
    for (let t = 1; t <= 6; t++) sliced.push(...b.advance(Date.parse(NOW) + (t * HOUR) / 6).messages.map((m) => m.hl7));
    expect(sliced).toEqual(whole);
    expect(a.advance(Date.parse(NOW)).messages).toEqual([]); // the clock never goes back
  });

  it('sends nothing new at rate 0 beyond the open history studies', () => {
    const feed = createLiveFeed(RTH_PROFILE, { ...OPTS, ratePerMinute: 0 });
    const batch = feed.advance(Date.parse(NOW) + HOUR);
    expect(batch.messages.filter((m) => m.accessionNumber?.startsWith('RTHL'))).toEqual([]);
  });
});
