import { join } from 'node:path';
import { builtInProfile, generateHistory, trustHl7Config } from '../../simulator/index.ts';
import { formatAckCounts } from '../ack-code.ts';
import { mkdirSync } from 'node:fs';
import { probeFsyncMs } from '../fsync-probe.ts';
import { cpuPerRequest, cpuSnapshot } from '../cpu-time.ts';
import { startChildServer } from '../child-server.ts';
import { partitionByPatient } from '../hl7-partition.ts';
import { markdownTable } from '../markdown-table.ts';
import { sendOverMllp, type IngestRun } from '../mllp-ingest-load.ts';
import { progress } from '../progress.ts';
import { formatSpread, percentileOfSorted, spreadOf } from '../stats.ts';
import type { SectionContext, SectionReport } from './section-report.ts';

/** Connection counts compared. */
export const INGEST_CONNECTIONS = [1, 8] as const;
/** Issue 16's targets, messages per second, ACK after durable commit: one connection, eight. */
export const INGEST_TARGET_PER_SECOND: Record<(typeof INGEST_CONNECTIONS)[number], number> = { 1: 1_500, 8: 5_000 };
/** The simulator's RXA profile sends about 5 messages per study at 40 studies a day. */
const STUDIES_PER_DAY = 40;
const MESSAGES_PER_DAY_ESTIMATE = 180;

/**
 * Issue #8, part 4: simulator HL7 (ADT/ORM/ORU as the RXA profile sends them) over one MLLP
 * connection and over eight, each into a fresh real trust (own process, SQLite on disk in a temp
 * dir, WAL), ACK after durable commit (the WAL synced off the event loop: platform/wal-file-sync.ts).
 */
export async function runIngest(ctx: SectionContext): Promise<SectionReport> {
  const wanted = ctx.durations.ingestMessages;
  const profile = builtInProfile('RXA')!;
  const days = Math.ceil(wanted / MESSAGES_PER_DAY_ESTIMATE) + 2;
  progress(`ingest: generating ${wanted} HL7 messages (simulator ${profile.code}, ${days} days × ${STUDIES_PER_DAY} studies/day)`);
  const history = generateHistory(profile, { seed: 11, days, studiesPerDay: STUDIES_PER_DAY, now: ctx.now });
  const messages = history.messages.slice(0, wanted);
  if (messages.length < wanted) throw new Error(`the simulator produced ${messages.length} messages, fewer than ${wanted}`);
  const mix = new Map<string, number>();
  for (const m of messages) mix.set(m.type, (mix.get(m.type) ?? 0) + 1);
  const texts = messages.map((m) => m.hl7);

  const runs: Array<{ connections: (typeof INGEST_CONNECTIONS)[number]; run: IngestRun; fsyncMs: number; cpu: Record<string, number> }> = [];
  for (const connections of INGEST_CONNECTIONS) {
    const config = {
      code: profile.code,
      name: profile.name,
      http: { port: 0 },
      mllp: { port: 0 },
      // Never called during ingest; the config requires a PACS.
      pacs: { dicomweb: 'http://127.0.0.1:9/dicom-web' },
      store: { sqlite: join(ctx.tmpDir, `ingest-${connections}`, `${profile.code}.db`) },
      hl7: trustHl7Config(profile),
      logLevel: 'warn',
    };
    mkdirSync(join(ctx.tmpDir, `ingest-${connections}`), { recursive: true });
    const fsyncMs = probeFsyncMs(join(ctx.tmpDir, `ingest-${connections}`));
    progress(`ingest: this disk now: ${fsyncMs.toFixed(2)} ms per 4 KiB append + fdatasync (ceiling ${(1000 / fsyncMs).toFixed(0)} commits/s)`);
    const trust = await startChildServer<{ url: string; mllpPort: number }>(`ingest trust (${connections})`, './servers/trust-process.ts', { config });
    try {
      progress(`ingest: ${messages.length} messages over ${connections} connection(s), at most ${ctx.durations.ingestMaxSeconds} s`);
      const pids = { trust: trust.pid, sender: 'self' } as const;
      const before = cpuSnapshot(pids);
      const run = await sendOverMllp(trust.ready.mllpPort, partitionByPatient(texts, connections), ctx.durations.ingestMaxSeconds);
      const cpu = cpuPerRequest(before, cpuSnapshot(pids), run.acked);
      progress(`  ${run.acked} ACKed in ${run.seconds.toFixed(1)} s: ${(run.acked / run.seconds).toFixed(0)} msg/s, p99 ACK ${percentileOfSorted(run.ackLatenciesMs, 99).toFixed(2)} ms; ${formatAckCounts(run.ackCodes)}; CPU ms per message: trust ${cpu['trust']!.toFixed(3)}, sender ${cpu['sender']!.toFixed(3)}`);
      runs.push({ connections, run, fsyncMs, cpu });
    } finally {
      await trust.stop();
    }
  }

  const rows = runs.map(({ connections, run, fsyncMs, cpu }) => [
    String(connections),
    `${run.acked} of ${run.planned}${run.acked < run.planned ? ' (time cap)' : ''}`,
    run.seconds.toFixed(1),
    (run.acked / run.seconds).toFixed(0),
    formatSpread(spreadOf(run.thirdsPerSecond), 0),
    percentileOfSorted(run.ackLatenciesMs, 50).toFixed(2),
    percentileOfSorted(run.ackLatenciesMs, 99).toFixed(2),
    formatAckCounts(run.ackCodes),
    `${fsyncMs.toFixed(2)} (${(1000 / fsyncMs).toFixed(0)}/s)`,
    `${((run.acked / run.seconds) / (1000 / fsyncMs) * 100).toFixed(0)} %`,
    cpu['trust']!.toFixed(3),
    cpu['sender']!.toFixed(3),
  ]);
  const notes = [
    `Messages: the simulator's ${profile.code} profile (HL7 v${profile.dialect.version}, ${profile.dialect.orders}), first ${messages.length} of ${days} days × ${STUDIES_PER_DAY} studies/day: ${[...mix].map(([t, n]) => `${t} ${n}`).join(', ')}.`,
    'Each variant into a fresh trust process (SQLite on disk in a temp dir, WAL); the sender (bench process, `subgraphs/trust/ris/mllp/mllp-client.ts`) waits for each ACK before the next message on that connection (original mode). Eight connections: the stream split by patient (PID-3), so no patient\'s messages reorder.',
    `Group commit (issue 16): the trust journals each frame and applies it in ONE transaction, and the frames of every connection that arrive in the same turn of the event loop share that commit; the commit skips SQLite's own fsync (synchronous=NORMAL for it alone) and the WAL file is then fdatasync'ed on libuv's thread pool (a lone frame with no sync in flight, as on one connection, on the event loop), each ACK leaving only after a sync that started after its commit returned (platform/wal-file-sync.ts); the next group is applied meanwhile. "fsync ms" is probed on the same disk just before each variant (median of 200 × 4 KiB append + fdatasync); "÷ fsync ceiling" = msg/s ÷ (1000 ÷ fsync ms), the share of one-commit-per-message speed reached (above 100 % only with commits shared between connections).`,
    '"trust CPU ms/msg" and "sender CPU ms/msg": CPU time (user + system, /proc/<pid>/stat, 10 ms ticks) of the trust process and of the bench process (the MLLP sender) over the variant, per ACKed message; both share the same 2 cores.',
    `Time cap per variant: ${ctx.durations.ingestMaxSeconds} s; "ACKed" says how many of the planned messages fit. msg/s over the whole run; "thirds" = msg/s in each third of the run, median (min–max). AE/AR ACKs are durable too (the message is kept for replay) and count.`,
  ];
  return {
    name: 'ingest',
    title: 'HL7 ingest (issue #8 part 4)',
    body: `${markdownTable(['connections', 'ACKed', 'seconds', 'msg/s', 'msg/s by thirds', 'p50 ACK ms', 'p99 ACK ms', 'ACK codes', 'fsync ms (ceiling)', '÷ fsync ceiling', 'trust CPU ms/msg', 'sender CPU ms/msg'], rows)}\n\n${notes.map((n) => `- ${n}`).join('\n')}`,
    targets: runs.map(({ connections, run, fsyncMs, cpu }) => {
      const rate = run.acked / run.seconds;
      const goal = INGEST_TARGET_PER_SECOND[connections];
      return {
        target: `HL7 ingest, ACK after durable commit, ≥ ${goal} msg/s on ${connections} connection${connections === 1 ? '' : 's'}`,
        measured: `${rate.toFixed(0)} msg/s (p99 ACK ${percentileOfSorted(run.ackLatenciesMs, 99).toFixed(2)} ms; fsync ${fsyncMs.toFixed(2)} ms here now: ${(rate / (1000 / fsyncMs) * 100).toFixed(0)} % of one fsync per message; trust CPU ${cpu['trust']!.toFixed(3)} ms per message)`,
        met: rate >= goal,
      };
    }),
  };
}
