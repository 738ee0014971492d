import type { TrustStore } from '../store/trust-store.ts';
import type { OrderRecord, TrustWriter } from '../ris/ingest-port.ts';
import type { WorklistChange } from './worklist-events.ts';
import { NEEDS_REPORT } from './worklist-filter.ts';

/**
 * The store as the RIS ingest sees it, watching orders go on and off the worklist: a saved order
 * whose status enters COMPLETED/PRELIMINARY from anything else is ADDED; one that leaves it for
 * FINAL/AMENDED (a report from the RIS itself) is REPORTED. Published only after the transaction
 * commits, so a rolled-back message announces nothing. Inside the ingest's group commit
 * (`commitGroup`, issue 16) a transaction is only a savepoint: its changes are held until the whole
 * group has committed durably, and dropped if the group rolls back.
 */
export function watchWorklist(store: TrustStore, publish: (change: WorklistChange) => void): TrustStore {
  /** Changes of the group commit in progress, published when it commits. */
  let group: WorklistChange[] | undefined;
  const commitGroup = <T>(work: () => T): T => {
    const collected: WorklistChange[] = [];
    group = collected;
    let result: T;
    try {
      result = store.commitGroup(work);
    } finally {
      group = undefined;
    }
    // After the group is on disk (`durable()`), not merely committed: an event must not announce
    // a study that a power cut before the sync would take away again. A failed sync announces
    // nothing (the ingest then sends no ACK, and the senders resend).
    // Asked in a microtask, after the ingest's own `durable()` for this group (which may sync
    // inline: a lone message), so both wait for the same sync.
    if (collected.length) {
      queueMicrotask(() => {
        store.durable().then(
          () => {
            for (const change of collected) publish(change);
          },
          () => undefined,
        );
      });
    }
    return result;
  };
  const transaction = <T>(work: (writer: TrustWriter) => T): T => {
    const changes = new Map<string, WorklistChange>();
    const result = store.transaction((writer) => {
      const watched = new Proxy(writer, {
        get(target, prop) {
          if (prop === 'saveOrder') {
            return (order: OrderRecord) => {
              const before = target.saveOrder(order);
              const was = before !== undefined && NEEDS_REPORT.has(before);
              const is = NEEDS_REPORT.has(order.status);
              if (is && !was) changes.set(order.accessionNumber, { type: 'ADDED', accessionNumber: order.accessionNumber });
              else if (was && (order.status === 'FINAL' || order.status === 'AMENDED')) {
                changes.set(order.accessionNumber, { type: 'REPORTED', accessionNumber: order.accessionNumber });
              }
              return before;
            };
          }
          const value = Reflect.get(target, prop, target) as unknown;
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
      return work(watched);
    });
    if (group) group.push(...changes.values());
    else for (const change of changes.values()) publish(change);
    return result;
  };
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'transaction') return transaction;
      if (prop === 'commitGroup') return commitGroup;
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
