import { Repeater } from 'graphql-yoga';
import type { WorklistEventTypeValue } from '../../../schema/generated/enums.ts';

/** `WorklistEventType` (network.graphql). */
export type WorklistEventType = WorklistEventTypeValue;

/** One change at this trust: which study (by accession), and what happened. */
export interface WorklistChange {
  type: WorklistEventType;
  accessionNumber: string;
}

/**
 * The trust's worklist changes, in process: the claim and report mutations, the claim-expiry
 * sweep and the RIS ingest publish; each `worklistChanged` subscription listens. A subscriber
 * that is slow only grows its own queue (Repeater buffer), never blocks publishers.
 */
export class WorklistEvents {
  readonly #listeners = new Set<(change: WorklistChange) => void>();

  publish(change: WorklistChange): void {
    for (const listen of this.#listeners) listen(change);
  }

  /** Changes from now on, until the consumer stops (or `signal` aborts). */
  subscribe(signal?: AbortSignal): AsyncIterableIterator<WorklistChange> {
    return new Repeater<WorklistChange>(async (push, stop) => {
      const listen = (change: WorklistChange) => void push(change);
      this.#listeners.add(listen);
      const onAbort = () => stop();
      signal?.addEventListener('abort', onAbort, { once: true });
      await stop;
      signal?.removeEventListener('abort', onAbort);
      this.#listeners.delete(listen);
    });
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }
}
