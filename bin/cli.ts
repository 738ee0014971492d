import { parseArgs } from 'node:util';
import { readJsonConfig } from './config-file.ts';

const USAGE = `imaging-network: one GraphQL schema over every trust in an NHS imaging network

Usage: imaging-network <command> [options]

Commands:
  demo [--data DIR] [--fresh] [--seed N] [--rate PER_MIN]
                               three simulated trusts and the gateway on embedded defaults
                               (what \`npm start\` runs)
  trust --config FILE          run one trust subgraph (GraphQL on http.port, MLLP on mllp.port)
  gateway --config FILE        run the gateway over the trusts in its config
  simulate [options]           realistic HL7 traffic over MLLP and/or a simulated DICOMweb PACS
                               (see \`imaging-network simulate --help\`)
  send HOST:PORT FILE...       send HL7 files over MLLP and print each ACK
  hl7 failed --config FILE     list kept messages that could not be applied
  hl7 replay --config FILE [--id N]...
                               re-apply kept failed messages (after a fix)
  reindex --config FILE        rebuild a trust's study index from its store and its PACS
                               (QIDO-RS back-fill, with a progress bar; run with the trust stopped)
  audit --config FILE [--user SUB] [--patient NHSNUMBER] [--since TIME]
                               print the audit log of patient-data access, one entry a line
  audit verify --config FILE   check the audit log's hash chain; exit 1 naming the first broken entry
  help                         this text

Config files are JSON; a bad one stops the command with a message naming the key.`;

/** Runs the command line; returns the exit code (or never returns for servers). */
export async function main(argv: string[]): Promise<number | undefined> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return 0;
      case 'trust':
        return await runTrust(rest);
      case 'gateway':
        return await runGateway(rest);
      case 'demo': {
        const { runDemo } = await import('./demo-command.ts');
        return await runDemo(rest);
      }
      case 'simulate': {
        const { runSimulate } = await import('../simulator/simulate-command.ts');
        return await runSimulate(rest);
      }
      case 'send': {
        const { runSend } = await import('./send-command.ts');
        return await runSend(rest);
      }
      case 'reindex': {
        const { runReindex } = await import('./reindex-command.ts');
        return await runReindex(rest);
      }
      case 'audit': {
        const { runAudit } = await import('./audit-command.ts');
        return await runAudit(rest);
      }
      case 'hl7': {
        const { runHl7 } = await import('./hl7-command.ts');
        return await runHl7(rest);
      }
      default:
        console.error(`unknown command: ${command}\n\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    console.error(`imaging-network ${command}: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
}

function configFlag(args: string[], command: string): string {
  const { values } = parseArgs({ args, options: { config: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) {
    console.log(`Usage: imaging-network ${command} --config FILE`);
    process.exit(0);
  }
  if (!values.config) throw new Error('--config FILE is required');
  return values.config;
}

/** Keeps a server running until SIGINT/SIGTERM, then closes it. */
function untilSignal(close: () => Promise<void>): Promise<undefined> {
  return new Promise((resolve) => {
    let closing = false;
    const stop = () => {
      if (closing) return;
      closing = true;
      close().finally(() => resolve(undefined));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

async function runTrust(args: string[]): Promise<number | undefined> {
  const file = configFlag(args, 'trust');
  const { parseTrustConfig } = await import('../subgraphs/trust/config.ts');
  const config = parseTrustConfig(readJsonConfig(file));
  const { startTrust } = await import('../subgraphs/trust/trust-server.ts');
  const trust = await startTrust(config);
  console.error(`trust ${config.code}: GraphQL ${trust.url}, MLLP port ${trust.mllpPort}`);
  return untilSignal(() => trust.close());
}

async function runGateway(args: string[]): Promise<number | undefined> {
  const file = configFlag(args, 'gateway');
  const { parseGatewayConfig, createGateway } = await import('../gateway/index.ts');
  const config = parseGatewayConfig(readJsonConfig(file));
  const gateway = await createGateway(config);
  console.error(`gateway: GraphQL ${gateway.url}`);
  return untilSignal(() => gateway.close());
}
