import { Hl7Message } from '../subgraphs/trust/ris/hl7/index.ts';
import { MllpClient } from '../subgraphs/trust/ris/mllp/mllp-client.ts';
import { startDicomwebSimulator, type DicomwebSimulator } from './dicomweb-simulator.ts';
import { generateHistory } from './generate-history.ts';
import { createLiveFeed } from './live-feed.ts';
import { parseSimulateArgs, SIMULATE_USAGE, SimulateArgsError } from './simulate-args.ts';
import type { SimMessage } from './sim-message.ts';
import type { SimStudy } from './sim-study.ts';
import { builtInProfile } from './sim-trust-profile.ts';

export interface SimulateIo {
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  /** Stops the run as SIGINT/SIGTERM would (tests, embedding). */
  signal?: AbortSignal;
}

/** How many times one message is resent after a lost connection or a missing ACK. */
const SEND_ATTEMPTS = 5;

/** MSA-1 of an ACK (table 0008), or `??` when the answer is not an ACK. */
function ackCode(ack: string): string {
  try {
    return Hl7Message.parse(ack).get('MSA-1') || '??';
  } catch {
    return '??';
  }
}

function summary(counts: Map<string, number>): string {
  return [...counts].map(([code, n]) => `${code} ${n}`).join(', ');
}

/**
 * `imaging-network simulate`: one simulated trust. `--mllp` sends the history and then the live
 * trickle over MLLP, each message after the previous one's ACK (original mode, HL7 ch. 2.9),
 * resending a message whose ACK never came; `--dicomweb` serves the PACS holding exactly the
 * studies those messages performed. Runs until SIGINT/SIGTERM; resolves with the exit code.
 */
export async function runSimulate(argv: string[], io: SimulateIo = {}): Promise<number> {
  const out = io.stdout ?? process.stdout;
  const err = io.stderr ?? process.stderr;
  let args;
  try {
    args = parseSimulateArgs(argv);
  } catch (e) {
    if (!(e instanceof SimulateArgsError)) throw e;
    err.write(`imaging-network simulate: ${e.message}\n`);
    return 2;
  }
  if (args.help) {
    out.write(`${SIMULATE_USAGE}\n`);
    return 0;
  }
  const profile = builtInProfile(args.trust);
  if (!profile) throw new Error(`internal: no profile ${args.trust}`);
  const now = args.now ?? new Date().toISOString();
  const history = generateHistory(profile, { seed: args.seed, days: args.days, now });
  const studies: SimStudy[] = [...history.studies];
  const stopped = new AbortController();
  const onSignal = (): void => stopped.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  io.signal?.addEventListener('abort', onSignal, { once: true });
  if (io.signal?.aborted) stopped.abort();

  let pacs: DicomwebSimulator | undefined;
  let client: MllpClient | undefined;
  let stopFeed: (() => void) | undefined;
  let failed = false;
  const acks = new Map<string, number>();
  try {
    if (args.dicomweb !== undefined) {
      pacs = await startDicomwebSimulator({ port: args.dicomweb, studies: () => studies });
      err.write(`${profile.code} PACS simulator: ${pacs.url} (${studies.length} studies)\n`);
    }
    let queue: Promise<void> = Promise.resolve();
    const send = async (m: SimMessage): Promise<void> => {
      if (!client) return;
      for (let attempt = 1; ; attempt++) {
        try {
          const code = ackCode(await client.send(m.hl7));
          acks.set(code, (acks.get(code) ?? 0) + 1);
          return;
        } catch (e) {
          if (attempt >= SEND_ATTEMPTS || stopped.signal.aborted) throw e;
          await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
        }
      }
    };
    if (args.mllp) {
      client = new MllpClient(args.mllp.host, args.mllp.port, { timeoutMs: 10_000 });
      const total = history.messages.length;
      let lastProgress = 0;
      for (let i = 0; i < total && !stopped.signal.aborted; i++) {
        await send(history.messages[i] as SimMessage);
        if (i + 1 === total || Date.now() - lastProgress > 500) {
          lastProgress = Date.now();
          err.write(`\rsent ${i + 1}/${total} (${summary(acks)})`);
        }
      }
      err.write('\n');
    }
    if (!stopped.signal.aborted && args.rate > 0) {
      const feed = createLiveFeed(profile, { seed: args.seed, ratePerMinute: args.rate, now, days: args.days });
      stopFeed = feed.start((batch) => {
        studies.push(...batch.studies);
        for (const m of batch.messages) {
          queue = queue.then(() => send(m)).catch((e: unknown) => {
            failed = true;
            err.write(`live message ${m.controlId} not delivered: ${e instanceof Error ? e.message : String(e)}\n`);
            stopped.abort();
          });
        }
      });
      err.write(`live: about ${args.rate} messages/minute; Ctrl-C to stop\n`);
    }
    if (!stopped.signal.aborted) await new Promise<void>((resolve) => stopped.signal.addEventListener('abort', () => resolve(), { once: true }));
    stopFeed?.();
    await queue;
  } catch (e) {
    failed = true;
    err.write(`\nimaging-network simulate: ${e instanceof Error ? e.message : String(e)}\n`);
  } finally {
    stopFeed?.();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await client?.close();
    await pacs?.close();
  }
  if (client) err.write(`ACKs: ${summary(acks) || 'none'}\n`);
  return failed ? 1 : 0;
}
