import type { TrustReadModel } from './read-model.ts';
import type { RisIngestStore } from '../ris/ingest-port.ts';
import type { PacsIndexPort } from '../pacs/pacs-index-port.ts';
import type { DueAtRule, ReportingStore } from './reporting-model.ts';

/** Row counts, for health pages and tests. */
export interface StoreCounts {
  journal: number;
  acks: number;
  failed: number;
  patients: number;
  orders: number;
  reports: number;
  outbox: number;
}

/**
 * The trust's durable store: the read model resolvers use, the PACS index port, and the RIS
 * ingest's port (journal, transactional writer, kept messages: ris/ingest-port.ts). Opened by
 * `openTrustStore` (open-trust-store.ts). Errors of the storage itself (disk full, locked, I/O) are thrown as
 * `StoreFailure`, so callers can tell "could not store" (no ACK: the sender resends) from a bad
 * message.
 */
export interface TrustStore extends TrustReadModel, PacsIndexPort, RisIngestStore {
  readonly path: string;
  counts(): StoreCounts;
  /** Rebuilds every study-index row from the orders and the synced PACS studies (reindex). */
  rebuildStudyIndex(onProgress?: (done: number, total: number) => void): void;
  /** The reporting side (worklist, claims, outbox), with the trust's due-time rule. */
  reporting(dueAt: DueAtRule): ReportingStore;
  /**
   * Why the store can no longer make a commit durable (a failed WAL sync), once that happened:
   * from then on no HL7 message is acknowledged and every write is refused until a restart.
   * Undefined while the store is healthy.
   */
  durabilityFailure(): Error | undefined;
  close(): void;
}
