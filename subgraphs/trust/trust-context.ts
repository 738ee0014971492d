import DataLoader from 'dataloader';
import type { Logger } from 'pino';
import type { TrustConfig } from './config.ts';
import type { RisPatientRow, TrustReadModel } from './store/read-model.ts';
import type { RisReportRow } from './ris/ingest-port.ts';
import type { DicomWebClient, StudySearch } from './pacs/dicomweb-client.ts';
import type { PacsStudy } from './pacs/study-mapping.ts';
import { createPacsLoaders } from './pacs/pacs-loaders.ts';
import type { PartialErrorSink } from './partial-errors.ts';
import type { PacsIndexStatus } from './pacs/pacs-index-status.ts';
import type { TrustReporting } from './reporting/trust-reporting.ts';

/** Per-request context of the trust subgraph: its sources, and loaders that batch per request. */
export interface TrustContext extends PartialErrorSink {
  config: TrustConfig;
  store: TrustReadModel;
  pacs: DicomWebClient;
  /** QIDO-RS study search, shared among identical searches in flight (pacs/in-flight-searches.ts). */
  searchPacs: (search: StudySearch) => Promise<PacsStudy[]>;
  log: Logger;
  /**
   * The study index's completeness and freshness now (Trust.pacsIndex, INDEX_INCOMPLETE);
   * `fresh` re-counts the index rows (one COUNT) instead of the count of the last sync step.
   */
  pacsIndex: (opts?: { fresh?: boolean }) => PacsIndexStatus;
  pacsLoaders: ReturnType<typeof createPacsLoaders>;
  /** RIS patients by internal id: one store call per request, however many studies. */
  patients: DataLoader<number, RisPatientRow | undefined>;
  /** Report versions by accession number: one store call per request. */
  reports: DataLoader<string, RisReportRow[]>;
  /** Network reporting (worklist, claims, write-back); absent only in tests that build a bare context. */
  reporting?: TrustReporting;
}

export function createTrustContext(base: {
  config: TrustConfig;
  store: TrustReadModel;
  pacs: DicomWebClient;
  searchPacs: (search: StudySearch) => Promise<PacsStudy[]>;
  log: Logger;
  pacsIndex: (opts?: { fresh?: boolean }) => PacsIndexStatus;
}): TrustContext {
  const { store } = base;
  return {
    ...base,
    partialErrors: [],
    pacsLoaders: createPacsLoaders(base.pacs),
    patients: new DataLoader(async (ids: readonly number[]) => {
      const found = store.patientsById(ids);
      return ids.map((id) => found.get(id));
    }),
    reports: new DataLoader(async (accessions: readonly string[]) => {
      const found = store.reportsByAccession(accessions);
      return accessions.map((a) => found.get(a) ?? []);
    }),
  };
}
