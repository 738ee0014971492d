import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import DataLoader from 'dataloader';
import { decodeHl7Bytes, Hl7Message } from '../../../subgraphs/trust/ris/hl7/index.ts';
import { createRisIngest, type IngestLogger, type RisIngestOptions } from '../../../subgraphs/trust/ris/ris-ingest.ts';
import type { RisReportRow } from '../../../subgraphs/trust/ris/ingest-port.ts';
import { openTrustStore } from '../../../subgraphs/trust/store/open-trust-store.ts';
import { type TrustStore } from '../../../subgraphs/trust/store/trust-store.ts';
import { frame } from '../../fixtures/ris/hl7-fixtures.ts';

/**
 * A real trust store (SQLite in a temp folder) fed through the real RIS ingest, for the clinical
 * regression cases: each test sends HL7 and reads back what the trust would serve.
 */
export interface ClinicalHarness {
  store: TrustStore;
  /** Sends one message through the ingest; returns MSA-1 and the ERR segments. */
  send(text: string): Promise<{ code: string; errors: { code: string; severity: string; location: string; text: string }[] }>;
  /** The slice of a TrustContext the Study/Report resolvers use. */
  context(): { reports: DataLoader<string, RisReportRow[]> };
  close(): void;
}

const quiet: IngestLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

export function openClinicalHarness(opts: Partial<RisIngestOptions> = {}): ClinicalHarness {
  const dir = mkdtempSync(join(tmpdir(), 'clinical-'));
  const store = openTrustStore(join(dir, 'RXA.db'));
  const ingest = createRisIngest({ store, logger: quiet, ...opts });
  return {
    store,
    async send(text) {
      const ack = await ingest.handle(frame(text));
      if (ack === null) throw new Error('no ACK');
      const parsed = Hl7Message.parse(decodeHl7Bytes(ack));
      return {
        code: parsed.get('MSA-1'),
        errors: parsed.segmentsNamed('ERR').map((e) => ({ code: e.get('3.1'), severity: e.get('4'), location: e.get('2'), text: e.get('8') })),
      };
    },
    context() {
      return {
        reports: new DataLoader(async (accessions: readonly string[]) => {
          const found = store.reportsByAccession(accessions);
          return accessions.map((a) => found.get(a) ?? []);
        }),
      };
    },
    close() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
