import type { TlsOptions } from 'node:tls';
import { buildAck, decodeHl7Bytes, encodeHl7Text, Hl7Message } from '../subgraphs/trust/ris/hl7/index.ts';
import { startMllpListener, type MllpListener } from '../subgraphs/trust/ris/mllp/mllp-listener.ts';

/** One ORU the simulated RIS received and accepted. */
export interface ReceivedOru {
  controlId: string;
  /** MSH-3 ^ MSH-4 */
  sender: string;
  version: string;
  /** The accession as this RIS reads it (OBR-18, else OBR-3). */
  accessionNumber: string;
  /** OBR-25 */
  resultStatus: string;
  /** OBR-32.1 subcomponents: GMC, family, given. */
  reporter: string[];
  text: string;
  raw: string;
  receivedAt: string;
}

export interface RisReceiverOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** MLLP over TLS (certificate, key; with `ca` + `requestCert` the sender must present one). */
  tls?: TlsOptions;
  /** What to answer: AA (default), or AR/AE to refuse everything (tests of rejection). */
  answer?: () => 'AA' | 'AE' | 'AR';
  /**
   * When it returns true for a frame, the frame is read but not answered until `releaseHeld()`:
   * a RIS that stores slowly, so a sender can be killed between send and ACK (tests).
   */
  hold?: () => boolean;
  /** Told of each accepted message (the demo prints a line; never patient data). */
  onReport?: (oru: ReceivedOru, duplicate: boolean) => void;
}

export interface RisReceiver {
  port: number;
  /** Accepted messages, first receipt of each MSH-10 only. */
  received(): ReceivedOru[];
  /** How many frames arrived in all (duplicates included). */
  frames(): number;
  /** How many times each MSH-10 arrived. */
  deliveries(controlId: string): number;
  /** MSH-10 of every frame received, in order (duplicates included). */
  controlIds(): string[];
  /** Answers the held frames (their ACKs go to connections that may be gone). */
  releaseHeld(): void;
  close(): Promise<void>;
}

/**
 * The simulated RIS's inbound interface for results (ORU^R01 over MLLP): what a real RIS does
 * with reports written elsewhere. It deduplicates by MSH-3/4 + MSH-10 (HL7 v2 ch. 2.9, original
 * mode: a resent message gets the same ACK and is not applied twice), answers AA (or, when told,
 * AR/AE with an ERR), and keeps what it accepted for the demo and the tests.
 */
export async function startRisReceiver(options: RisReceiverOptions): Promise<RisReceiver> {
  const accepted = new Map<string, { oru: ReceivedOru; ack: string }>();
  const counts = new Map<string, number>();
  let frames = 0;
  let acks = 0;
  const order: string[] = [];
  let held: Array<() => void> = [];
  const listener: MllpListener = await startMllpListener({
    host: options.host ?? '127.0.0.1',
    port: options.port,
    ...(options.tls ? { tls: options.tls } : {}),
    handler: async (frame) => {
      frames += 1;
      const text = decodeHl7Bytes(frame.payload);
      const message = Hl7Message.parse(text);
      const key = `${message.sendingApplication}^${message.sendingFacility}^${message.controlId}`;
      counts.set(message.controlId, (counts.get(message.controlId) ?? 0) + 1);
      order.push(message.controlId);
      if (options.hold?.()) await new Promise<void>((release) => held.push(release));
      const seen = accepted.get(key);
      if (seen) {
        options.onReport?.(seen.oru, true);
        return encodeHl7Text(seen.ack);
      }
      acks += 1;
      const code = options.answer?.() ?? 'AA';
      if (code !== 'AA') {
        return encodeHl7Text(buildAck(message, { code, controlId: `RIS${acks}`, text: 'simulated RIS refuses this result', errors: [{ code: 207, severity: 'E', text: 'simulated RIS refuses this result' }] }));
      }
      const ack = buildAck(message, { code: 'AA', controlId: `RIS${acks}` });
      const oru: ReceivedOru = {
        controlId: message.controlId,
        sender: `${message.sendingApplication}^${message.sendingFacility}`,
        version: message.version,
        accessionNumber: message.get('OBR-18') || message.get('OBR-3.1'),
        resultStatus: message.get('OBR-25'),
        reporter: [message.get('OBR-32.1.1'), message.get('OBR-32.1.2'), message.get('OBR-32.1.3')],
        text: message
          .segmentsNamed('OBX')
          .flatMap((obx) => obx.getAll('5'))
          .join('\n'),
        raw: text,
        receivedAt: new Date().toISOString(),
      };
      accepted.set(key, { oru, ack });
      options.onReport?.(oru, false);
      return encodeHl7Text(ack);
    },
  });
  return {
    port: listener.port,
    received: () => [...accepted.values()].map((v) => v.oru),
    frames: () => frames,
    deliveries: (controlId) => counts.get(controlId) ?? 0,
    controlIds: () => [...order],
    releaseHeld: () => {
      const waiting = held;
      held = [];
      for (const release of waiting) release();
    },
    close: async () => {
      const waiting = held;
      held = [];
      for (const release of waiting) release();
      await listener.close();
    },
  };
}
