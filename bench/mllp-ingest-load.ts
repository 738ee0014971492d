import { MllpClient } from '../subgraphs/trust/ris/mllp/mllp-client.ts';
import { encodeHl7Text } from '../subgraphs/trust/ris/hl7/index.ts';
import { ackCode, countAckCodes } from './ack-code.ts';

/** What one ingest run measured. */
export interface IngestRun {
  /** Messages that got an ACK. */
  acked: number;
  /** Messages planned (sent until done or the deadline). */
  planned: number;
  seconds: number;
  /** Send → ACK per message, ms, sorted. */
  ackLatenciesMs: number[];
  ackCodes: Record<string, number>;
  /** ACKs per second in each third of the run (by time): the spread within the run. */
  thirdsPerSecond: [number, number, number];
}

/**
 * Sends each list over its own MLLP connection (HL7 v2.5.1 Implementation Guide C.4: original
 * mode, one message outstanding per connection until its ACK), all connections at once. The trust
 * ACKs only after the message is durably committed, so ACK latency includes the commit. Stops
 * starting new messages at `maxSeconds`; what was acknowledged by then is reported. The messages
 * are encoded (charset of their MSH-18) before the clock starts: the sender shares the machine's
 * cores with the trust, and a real RIS does not encode on our CPU.
 */
export async function sendOverMllp(port: number, texts: readonly (readonly string[])[], maxSeconds: number): Promise<IngestRun> {
  const lists = texts.map((list) => list.map((text) => encodeHl7Text(text)));
  const start = performance.now();
  const deadline = start + maxSeconds * 1000;
  const latencies: number[] = [];
  const doneAt: number[] = [];
  const codes: string[] = [];
  await Promise.all(
    lists.map(async (list) => {
      const client = new MllpClient('127.0.0.1', port);
      try {
        for (const message of list) {
          if (performance.now() > deadline) break;
          const t0 = performance.now();
          const ack = await client.send(message);
          const t1 = performance.now();
          latencies.push(t1 - t0);
          doneAt.push(t1 - start);
          codes.push(ackCode(ack));
        }
      } finally {
        await client.close();
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  const third = (seconds * 1000) / 3;
  const counts: [number, number, number] = [0, 0, 0];
  for (const t of doneAt) counts[Math.min(2, Math.floor(t / third)) as 0 | 1 | 2]++;
  return {
    acked: latencies.length,
    planned: lists.reduce((n, l) => n + l.length, 0),
    seconds,
    ackLatenciesMs: latencies.sort((a, b) => a - b),
    ackCodes: countAckCodes(codes),
    thirdsPerSecond: counts.map((c) => c / (third / 1000)) as [number, number, number],
  };
}
