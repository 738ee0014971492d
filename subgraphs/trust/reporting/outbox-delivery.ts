import type { ConnectionOptions } from 'node:tls';
import type { Logger } from 'pino';
import { Hl7Message } from '../ris/hl7/index.ts';
import { MllpClient } from '../ris/mllp/mllp-client.ts';
import type { OutboxEntry, ReportingStore } from '../store/reporting-model.ts';

export interface OutboxDeliveryOptions {
  store: ReportingStore;
  host: string;
  port: number;
  tls?: ConnectionOptions;
  ackTimeoutMs: number;
  /** Longest wait between retries. */
  maxBackoffMs: number;
  log: Logger;
  /** Told after every state change of an entry (for Report.delivery watchers and tests). */
  onChange?: (entry: OutboxEntry) => void;
}

/** Retry wait after `attempts` failed sends: 1 s doubling, capped. */
export function backoffMs(attempts: number, maxMs: number): number {
  return Math.min(maxMs, 1000 * 2 ** Math.max(0, Math.min(attempts - 1, 20)));
}

/** What the RIS's ACK says about one message (HL7 v2 ch. 2.9, MSA-1 table 0008). */
export type AckVerdict = { kind: 'delivered'; code: string } | { kind: 'rejected'; code: string; error: string } | { kind: 'retry'; error: string };

/**
 * Reads an ACK for the message with MSH-10 `controlId`. AA/CA: delivered. AE/AR/CE/CR: the RIS
 * refused it, and resending the same bytes would be refused again: stop and show why (MSA-3 or
 * ERR-8 text). An ACK for another control id (MSA-2) or one that cannot be read is no answer:
 * retry (the RIS deduplicates by MSH-10).
 */
export function readAck(ackText: string, controlId: string): AckVerdict {
  let ack: Hl7Message;
  try {
    ack = Hl7Message.parse(ackText);
  } catch (err) {
    return { kind: 'retry', error: `unreadable ACK: ${(err as Error).message}` };
  }
  const code = ack.get('MSA-1').trim().toUpperCase();
  const echoed = ack.get('MSA-2').trim();
  if (echoed !== controlId) return { kind: 'retry', error: `ACK for another message (MSA-2 ${JSON.stringify(echoed.slice(0, 20))})` };
  if (code === 'AA' || code === 'CA') return { kind: 'delivered', code };
  if (code === 'AE' || code === 'AR' || code === 'CE' || code === 'CR') {
    const why = [ack.get('MSA-3'), ack.get('ERR-8'), ack.get('ERR-3.2')].map((s) => s.trim()).find((s) => s !== '') ?? 'no reason given';
    return { kind: 'rejected', code, error: `${code}: ${why}`.slice(0, 500) };
  }
  return { kind: 'retry', error: `ACK code ${JSON.stringify(code)} is not in table 0008` };
}

/**
 * The durable outbox's sender: at-least-once delivery of each queued ORU to the trust's RIS over
 * MLLP with the same bytes (so the same MSH-10) every time, one message at a time in queue order.
 * Exactly once is the RIS's half: it deduplicates by MSH-10 (DOMAIN.md, "Writing back"). The
 * attempt is recorded before the send, so a kill -9 between send and ACK leaves the row PENDING
 * and the next start sends it again, unchanged.
 */
export class OutboxDelivery {
  readonly #o: OutboxDeliveryOptions;
  readonly #client: MllpClient;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #again = false;
  #closed = false;

  constructor(options: OutboxDeliveryOptions) {
    this.#o = options;
    this.#client = new MllpClient(options.host, options.port, { timeoutMs: options.ackTimeoutMs, ...(options.tls ? { tls: options.tls } : {}) });
  }

  /** Delivers what is due now, then sleeps until the next retry or the next `wake`. */
  wake(): void {
    if (this.#closed) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = true;
    void this.#drain().finally(() => {
      this.#running = false;
      if (this.#again && !this.#closed) {
        this.#again = false;
        this.wake();
      } else this.#schedule();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#client.close();
  }

  #schedule(): void {
    if (this.#closed) return;
    if (this.#timer) clearTimeout(this.#timer);
    const next = this.#o.store.nextOutboxAttempt();
    if (next === undefined) return;
    const wait = Math.max(0, Math.min(Date.parse(next) - Date.now(), this.#o.maxBackoffMs));
    this.#timer = setTimeout(() => this.wake(), wait);
    this.#timer.unref();
  }

  async #drain(): Promise<void> {
    const { store, log } = this.#o;
    for (;;) {
      if (this.#closed) return;
      const due = store.dueOutbox(new Date().toISOString(), 1)[0];
      if (!due) return;
      store.markAttempt(due.id, new Date().toISOString());
      let verdict: AckVerdict;
      try {
        verdict = readAck(await this.#client.send(due.payload), due.controlId);
      } catch (err) {
        verdict = { kind: 'retry', error: (err as Error).message };
      }
      if (this.#closed) return;
      const at = new Date().toISOString();
      if (verdict.kind === 'delivered') {
        store.markDelivered(due.id, verdict.code, at);
        log.info({ outbox: due.id, controlId: due.controlId, ack: verdict.code }, 'report delivered to the RIS');
      } else if (verdict.kind === 'rejected') {
        store.markRejected(due.id, verdict.code, verdict.error, at);
        log.warn({ outbox: due.id, controlId: due.controlId, ack: verdict.code }, 'report rejected by the RIS');
      } else {
        const attempts = due.attempts + 1;
        const next = new Date(Date.now() + backoffMs(attempts, this.#o.maxBackoffMs)).toISOString();
        store.markRetry(due.id, verdict.error, next);
        log.info({ outbox: due.id, controlId: due.controlId, attempts, next }, 'report not delivered yet; will retry');
      }
      const entry = store.outboxEntry(due.id);
      if (entry) this.#o.onChange?.(entry);
      // A failed send leaves the rest queued behind it: order is kept, and the retry time applies.
      if (verdict.kind === 'retry') return;
    }
  }
}
