import { parseArgs } from 'node:util';
import { readJsonConfig } from './config-file.ts';
import { createProgressBar } from './progress-bar.ts';

const USAGE = `Usage: imaging-network reindex --config FILE

Rebuilds the trust's study index: every row again from the RIS orders in the store, then the
whole PACS read again over QIDO-RS (back-fill by StudyDate windows, then the undated sweep).
Run it with the trust stopped: the trust keeps its sync position in memory while it runs.`;

/** `imaging-network reindex --config FILE`: rebuild the study index from the store and the PACS. */
export async function runReindex(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { config: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.config) throw new Error('--config FILE is required');
  const { parseTrustConfig } = await import('../subgraphs/trust/config.ts');
  const config = parseTrustConfig(readJsonConfig(values.config));
  const { openTrustStore } = await import('../subgraphs/trust/store/open-trust-store.ts');
  const { DicomWebClient } = await import('../subgraphs/trust/pacs/dicomweb-client.ts');
  const { PacsSync } = await import('../subgraphs/trust/pacs/pacs-sync.ts');
  const { addDays } = await import('../subgraphs/trust/pacs/study-date-windows.ts');

  const store = openTrustStore(config.store.sqlite, { nationalNumber: config.hl7.nationalNumber });
  try {
    const previous = store.readSyncState();
    const orders = store.counts().orders;
    const risBar = createProgressBar(orders, 'RIS orders');
    store.resetPacsIndex();
    risBar.update(orders);
    risBar.done();

    const client = new DicomWebClient({
      baseUrl: config.pacs.dicomweb,
      timeoutMs: config.pacs.timeoutMs,
      timezone: config.timezone,
      ...(config.pacs.auth ? { auth: config.pacs.auth } : {}),
    });
    const sync = new PacsSync({ index: store, client, settings: config.pacs.sync, timezone: config.timezone });
    // Progress in days walked back from today, against the oldest day the last index reached
    // (ten years when unknown); the bar only informs, the walk ends at the PACS's oldest study.
    const today = new Date().toISOString().slice(0, 10);
    const oldest = previous.backfill.oldestDate ?? addDays(today, -3650);
    const totalDays = Math.max(1, Math.round((Date.parse(today) - Date.parse(oldest)) / 86_400_000) + 1);
    const bar = createProgressBar(totalDays, 'PACS days');
    await sync.backfillAll((indexed, nextTo) => {
      const walked = nextTo === null ? 0 : Math.round((Date.parse(today) - Date.parse(nextTo)) / 86_400_000);
      bar.update(Math.min(totalDays, Math.max(0, walked)), `${indexed} studies`);
    });
    bar.update(totalDays, `${store.indexedStudies()} studies`);
    bar.done();
    const status = sync.status();
    console.error(`reindex ${config.code}: ${status.indexedStudies} studies indexed (${store.pacsStudyCount()} from the PACS), ${sync.requests} QIDO-RS requests`);
    return 0;
  } finally {
    store.close();
  }
}
