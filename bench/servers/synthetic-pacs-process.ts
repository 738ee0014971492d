import { startDicomwebSimulator } from '../../simulator/dicomweb-simulator.ts';
import { syntheticArchive, syntheticStudies, type SyntheticArchiveOptions } from '../../simulator/synthetic-archive.ts';
import { runServer, serverArgs } from './server-lifecycle.ts';

export interface SyntheticPacsArgs {
  trust: string;
  count: number;
  days: number;
  /** ISO instant. */
  now: string;
  seed: number;
  /** Hold only studies of the last N days (the page benchmark needs the newest pages' series only). @default all */
  keepDays?: number;
  maxResults?: number;
}

/** A child process serving a synthetic archive over DICOMweb (QIDO-RS fast path by StudyDate). */
const args = serverArgs<SyntheticPacsArgs>();
await runServer(async () => {
  const options: SyntheticArchiveOptions = { trust: args.trust, count: args.count, days: args.days, now: new Date(args.now), seed: args.seed };
  const archive = syntheticArchive({ ...options, count: 0 });
  const cutoff = args.keepDays === undefined ? -Infinity : Date.parse(args.now) - args.keepDays * 86_400_000;
  for (const s of syntheticStudies(options)) if (s.performedAt && Date.parse(s.performedAt) >= cutoff) archive.add(s);
  const pacs = await startDicomwebSimulator({
    port: 0,
    studies: () => archive.studies,
    studiesInDateRange: (f, t) => archive.inDateRange(f, t),
    ...(args.maxResults !== undefined ? { maxResults: args.maxResults } : {}),
  });
  return { ready: { url: pacs.url, studies: archive.studies.length }, close: () => pacs.close() };
});
