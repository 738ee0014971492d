/**
 * Issue 16: the study index is kept in step by updating only the columns a message changed. The
 * rows it leaves must be exactly the rows a rebuild from scratch writes (fresh INSERTs from the
 * orders: `rebuildStudyIndex`), for every built-in simulator trust's HL7 history (orders,
 * schedules, status changes, reports, amendments, merges, cancellations).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILT_IN_PROFILES, generateHistory, trustHl7Config } from '../../../../simulator/index.ts';
import { createRisIngest } from '../../../../subgraphs/trust/ris/ris-ingest.ts';
import { openTrustStore } from '../../../../subgraphs/trust/store/open-trust-store.ts';
import { NHS, a40, adt, orm } from '../../../fixtures/ris/hl7-fixtures.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'index-incremental-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const noop = (): void => {};
const logger = { debug: noop, info: noop, warn: noop, error: noop };

function snapshot(path: string): { rows: unknown[]; modalities: unknown[] } {
  const db = new Database(path, { readonly: true });
  try {
    return {
      rows: db.prepare('SELECT * FROM study_index ORDER BY id_key').all(),
      modalities: db.prepare('SELECT * FROM study_index_modalities ORDER BY id_key, modality').all(),
    };
  } finally {
    db.close();
  }
}

describe('study index kept in step by the ingest', () => {
  for (const profile of BUILT_IN_PROFILES) {
    it(`${profile.code}: equals a rebuild from scratch after the simulator's HL7 history`, async () => {
      const path = join(dir, `${profile.code}.db`);
      const hl7 = trustHl7Config(profile);
      const store = openTrustStore(path, { nationalNumber: hl7.nationalNumber });
      try {
        const ingest = createRisIngest({ store, logger, timezone: hl7.timezone, apply: { priorities: hl7.priorities, nationalNumber: hl7.nationalNumber } });
        const history = generateHistory(profile, { seed: 7, days: 6, studiesPerDay: 25, now: '2026-03-31T12:00:00Z' });
        // Several messages per group, as concurrent connections give.
        const texts = history.messages.map((m) => m.hl7);
        for (let i = 0; i < texts.length; i += 4) {
          await Promise.all(texts.slice(i, i + 4).map((t, k) => ingest.handle({ payload: Buffer.from(t, 'latin1'), oversized: false, remoteAddress: '127.0.0.1', connectionId: k })));
        }
        expect(store.counts().orders).toBeGreaterThan(50);
        const incremental = snapshot(path);
        store.rebuildStudyIndex();
        const rebuilt = snapshot(path);
        expect(incremental.rows.length).toBe(store.counts().orders);
        expect(incremental).toEqual(rebuilt);
      } finally {
        store.close();
      }
    }, 60_000);
  }

  it('an ADT that changes a patient\'s NHS number re-joins that patient\'s studies; a merge re-points them; other demographics leave them', async () => {
    const path = join(dir, 'RXA.db');
    const store = openTrustStore(path);
    try {
      const ingest = createRisIngest({ store, logger });
      const send = (text: string) => ingest.handle({ payload: Buffer.from(text, 'latin1'), oversized: false, remoteAddress: '127.0.0.1', connectionId: 1 });
      const nhsOf = () => Object.fromEntries((snapshot(path).rows as { accession_number: string; nhs_number: string | null }[]).map((r) => [r.accession_number, r.nhs_number]));
      await send(orm({ controlId: 'O1', patient: { mrn: 'M1', nhs: NHS.a }, accession: 'ACC1', orderTime: '20250115103000' }));
      await send(orm({ controlId: 'O2', patient: { mrn: 'M2' }, accession: 'ACC2', orderTime: '20250115103000' }));
      expect(nhsOf()).toEqual({ ACC1: NHS.a, ACC2: null });
      await send(adt('A08', 'A1', { mrn: 'M1', nhs: NHS.b, name: 'OTHER^NAME' }));
      expect(nhsOf()).toEqual({ ACC1: NHS.b, ACC2: null });
      await send(adt('A08', 'A2', { mrn: 'M1', nhs: NHS.b, name: 'THIRD^NAME' }));
      expect(nhsOf()).toEqual({ ACC1: NHS.b, ACC2: null });
      // M1 merges into M2 (which has no NHS number: it inherits M1's), ACC1 follows the survivor.
      await send(a40('A3', { mrn: 'M2' }, 'M1'));
      expect(nhsOf()).toEqual({ ACC1: NHS.b, ACC2: NHS.b });
      const incremental = snapshot(path);
      store.rebuildStudyIndex();
      expect(incremental).toEqual(snapshot(path));
    } finally {
      store.close();
    }
  });
});
