import { parseArgs } from 'node:util';
import pino from 'pino';
import { readJsonConfig } from './config-file.ts';
import { parseTrustConfig } from '../subgraphs/trust/config.ts';
import { openTrustStore } from '../subgraphs/trust/store/open-trust-store.ts';
import { createRisIngest } from '../subgraphs/trust/ris/ris-ingest.ts';
import { escapeForTerminal } from './terminal-text.ts';

const USAGE = `Usage:
  imaging-network hl7 failed --config FILE [--all]
      list kept messages that could not be applied (id, received, sender, control id, reason);
      --all includes those already replayed
  imaging-network hl7 replay --config FILE [--id N]...
      re-apply kept failed messages (all pending ones, or those named) and print the outcome

The trust may keep running: SQLite (WAL) lets this command and the trust share the store.`;

export async function runHl7(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: {
      config: { type: 'string' },
      id: { type: 'string', multiple: true },
      all: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help || !sub || sub === 'help') {
    console.log(USAGE);
    return sub ? 0 : 2;
  }
  if (!values.config) throw new Error('--config FILE is required');
  const config = parseTrustConfig(readJsonConfig(values.config));
  const store = openTrustStore(config.store.sqlite, { nationalNumber: config.hl7.nationalNumber });
  try {
    const ingest = createRisIngest({
      store,
      accessionNumber: config.hl7.accessionNumber,
      timezone: config.hl7.timezone,
      // The same allow-lists as the running trust: replay must not apply what live ingest refuses.
      allowedSenders: config.mllp.allowedSenders,
      allowedAddresses: config.mllp.allowedAddresses,
      apply: { priorities: config.hl7.priorities, patientClasses: config.hl7.patientClasses, nationalNumber: config.hl7.nationalNumber },
      logger: pino({ level: 'warn' }),
    });
    if (sub === 'failed') {
      const rows = ingest.listFailed().filter((r) => values.all || !r.replayedAt);
      for (const r of rows) {
        // Sender, control id and reason come from the message: never raw to the terminal (finding 13).
        console.log(
          [r.id, r.receivedAt, r.sender ?? '', r.controlId ?? '', r.ackCode ?? '', r.reason].map((v) => escapeForTerminal(String(v))).join('\t'),
        );
      }
      console.error(`${rows.length} failed message(s)`);
      return 0;
    }
    if (sub === 'replay') {
      const ids = values.id?.map((v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n <= 0) throw new Error(`--id must be a positive integer, got ${JSON.stringify(v)}`);
        return n;
      });
      const result = await ingest.replayFailed(ids);
      console.log(`replayed ${result.replayed}, still failing ${result.stillFailing}`);
      return result.stillFailing ? 1 : 0;
    }
    throw new Error(`unknown hl7 subcommand ${JSON.stringify(sub)}\n${USAGE}`);
  } finally {
    store.close();
  }
}
