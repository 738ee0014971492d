import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { MllpClient } from '../subgraphs/trust/ris/mllp/mllp-client.ts';
import { splitHl7Messages, summariseAck } from './hl7-file.ts';
import { createProgressBar } from './progress-bar.ts';

const USAGE = `Usage: imaging-network send HOST:PORT FILE... [--quiet] [--timeout MS] [--tls [--ca FILE] [--cert FILE --key FILE]]

Sends each HL7 v2 message in the files over MLLP (one connection, in order) and prints each ACK:
  FILE#N  CODE  CONTROL-ID  TEXT
A file may hold several messages (each starts with MSH). Exit code 0 when every ACK is AA/CA,
1 otherwise. A progress bar shows on stderr for batches of more than 100 messages. --tls sends
over TLS (--ca to trust a private CA, --cert/--key for mutual TLS).`;

export function parseHostPort(value: string): { host: string; port: number } {
  const m = /^(.*):(\d{1,5})$/.exec(value);
  if (!m || Number(m[2]) > 65535) throw new Error(`HOST:PORT expected, got ${JSON.stringify(value)}`);
  return { host: m[1] || '127.0.0.1', port: Number(m[2]) };
}

export async function runSend(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      quiet: { type: 'boolean' },
      timeout: { type: 'string' },
      tls: { type: 'boolean' },
      ca: { type: 'string' },
      cert: { type: 'string' },
      key: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [target, ...files] = positionals;
  if (!target || files.length === 0) throw new Error(`a target and at least one file are required\n${USAGE}`);
  const { host, port } = parseHostPort(target);
  const timeoutMs = values.timeout ? Number(values.timeout) : 30_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new Error('--timeout must be a positive number of milliseconds');

  const batch: Array<{ label: string; text: string }> = [];
  for (const file of files) {
    const messages = splitHl7Messages(readFileSync(file, 'latin1'));
    messages.forEach((text, i) => batch.push({ label: messages.length > 1 ? `${file}#${i + 1}` : file, text }));
  }
  if ((values.ca || values.cert || values.key) && !values.tls) throw new Error('--ca, --cert and --key go with --tls');
  if (Boolean(values.cert) !== Boolean(values.key)) throw new Error('--cert and --key go together');
  const tls = values.tls
    ? {
        ...(values.ca ? { ca: readFileSync(values.ca) } : {}),
        ...(values.cert && values.key ? { cert: readFileSync(values.cert), key: readFileSync(values.key) } : {}),
      }
    : undefined;
  const client = new MllpClient(host, port, { timeoutMs, ...(tls ? { tls } : {}) });
  const progress = batch.length > 100 ? createProgressBar(batch.length, 'sent') : undefined;
  const counts = new Map<string, number>();
  let failed = 0;
  try {
    for (const [i, { label, text }] of batch.entries()) {
      // Files are read as latin1 so every byte survives; they are sent back as the same bytes.
      const ack = summariseAck(await client.send(Buffer.from(text, 'latin1')));
      counts.set(ack.code, (counts.get(ack.code) ?? 0) + 1);
      if (ack.code !== 'AA' && ack.code !== 'CA') failed++;
      if (!values.quiet && (!progress || (ack.code !== 'AA' && ack.code !== 'CA'))) {
        console.log(`${label}\t${ack.code}\t${ack.controlId}\t${ack.text}`);
      }
      progress?.update(i + 1, [...counts].map(([c, n]) => `${c} ${n}`).join(', '));
    }
  } finally {
    progress?.done();
    await client.close();
  }
  console.error(`sent ${batch.length} message(s): ${[...counts].map(([c, n]) => `${c} ${n}`).join(', ') || 'none'}`);
  return failed ? 1 : 0;
}
