import { mkdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startChildServer } from '../child-server.ts';
import { startCountingProxy } from '../counting-proxy.ts';
import { markdownTable } from '../markdown-table.ts';
import { progress } from '../progress.ts';
import { rssMiB, startRssSampler } from '../rss-sampler.ts';
import { percentileOfSorted } from '../stats.ts';
import { seedStudyIndex } from '../seed-study-index.ts';
import { seedCapacityOrders } from '../seed-capacity-orders.ts';
import { capacityResolver, type CapacityContext } from '../../subgraphs/trust/capacity/capacity-resolver.ts';
import { openTrustStore } from '../../subgraphs/trust/store/open-trust-store.ts';
import { DicomWebClient } from '../../subgraphs/trust/pacs/dicomweb-client.ts';
import { PacsSync } from '../../subgraphs/trust/pacs/pacs-sync.ts';
import type { SectionContext, SectionReport } from './section-report.ts';

/** Index sizes measured (issue #11). */
export const SCALE_SIZES = [2_000, 20_000, 200_000, 1_000_000] as const;
const TRUST = 'RXA';
/** Ten years of archive at every size: the density grows with the size, as a real trust's does. */
const DAYS = 3650;
const PAGE = 20;
const SAMPLES = 200;

const PAGE_QUERY = `query($a: String) { studies(first: ${PAGE}, after: $a) { edges { node { id accessionNumber status modalities sortAt description imageCount } } pageInfo { hasNextPage endCursor } } }`;
const SERIES_QUERY = `{ studies(first: ${PAGE}) { edges { node { id series { seriesInstanceUid modality } } } } }`;

interface ScaleRow {
  size: number;
  seedSeconds: number;
  storeMiB: number;
  page1P50: number;
  page50P50: number;
  requestsWithSeries: number;
  requestsWithout: number;
  rssMiB: number;
  peakMiB: number;
}

async function post(url: string, query: string, variables: Record<string, unknown> = {}): Promise<{ ms: number; body: { data?: { studies?: { pageInfo: { endCursor: string | null } } }; errors?: unknown[] } }> {
  const started = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: { studies?: { pageInfo: { endCursor: string | null } } }; errors?: unknown[] };
  const ms = performance.now() - started;
  if (body.errors) throw new Error(`trust answered errors: ${JSON.stringify(body.errors).slice(0, 300)}`);
  return { ms, body };
}

function fileMiB(path: string): number {
  let bytes = 0;
  for (const f of [path, `${path}-wal`]) if (existsSync(f)) bytes += statSync(f).size;
  return bytes / 1024 / 1024;
}

interface RunningSize {
  size: number;
  seedSeconds: number;
  storeMiB: number;
  url: string;
  pid: number;
  page50Cursor: string | null;
  page1: number[];
  page50: number[];
  close(): Promise<void>;
  requests: { count(): number; reset(): void };
  sampler: ReturnType<typeof startRssSampler>;
}

async function startSize(ctx: SectionContext, size: number): Promise<RunningSize> {
  const dir = join(ctx.tmpDir, `scale-${size}`);
  mkdirSync(dir, { recursive: true });
  const storePath = join(dir, `${TRUST}.db`);
  const archive = { trust: TRUST, count: size, days: DAYS, now: new Date(ctx.now), seed: 17 };
  progress(`trust scale: seeding ${size} studies (direct SQL, one transaction)`);
  const seedStarted = performance.now();
  seedStudyIndex(storePath, archive);
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  const storeMiB = fileMiB(storePath);

  // The PACS holds the newest 30 days only: enough for the pages measured; the index is the point.
  const pacs = await startChildServer<{ url: string; studies: number }>(`synthetic PACS ${size}`, './servers/synthetic-pacs-process.ts', { ...archive, now: ctx.now, keepDays: 30 });
  const proxy = await startCountingProxy(new URL(pacs.ready.url).origin);
  const config = {
    code: TRUST, name: 'Scale trust', timezone: 'UTC', logLevel: 'warn',
    http: { port: 0 }, mllp: { port: 0 },
    // Polls an hour apart: the page measurements see only what the pages ask of the PACS.
    pacs: { dicomweb: `${proxy.url}/dicom-web`, sync: { intervalMs: 3_600_000, recheckIntervalMs: 3_600_000, startupWaitMs: 60_000 } },
    store: { sqlite: storePath },
  };
  const trust = await startChildServer<{ url: string }>(`scale trust ${size}`, './servers/trust-process.ts', { config });
  const url = trust.ready.url;
  let cursor: string | null = null;
  for (let i = 1; i < 50; i++) cursor = (await post(url, PAGE_QUERY, { a: cursor })).body.data!.studies!.pageInfo.endCursor;
  return {
    size, seedSeconds, storeMiB, url, pid: trust.pid, page50Cursor: cursor, page1: [], page50: [], requests: proxy,
    sampler: startRssSampler(trust.pid),
    async close() {
      await trust.stop();
      await proxy.close();
      await pacs.stop();
    },
  };
}

/**
 * Every size's trust runs at once and the samples interleave (size by size, page 1 then page
 * 50, round after round), so a burst of other work on the shared machine lands on every size and
 * page alike, and the ratios compare like with like.
 */
async function measureInterleaved(running: RunningSize[]): Promise<ScaleRow[]> {
  for (let round = 0; round < 20 + SAMPLES; round++) {
    for (const r of running) {
      const one = await post(r.url, PAGE_QUERY, { a: null });
      const fifty = await post(r.url, PAGE_QUERY, { a: r.page50Cursor });
      if (round >= 20) {
        r.page1.push(one.ms);
        r.page50.push(fifty.ms);
      }
    }
  }
  const rows: ScaleRow[] = [];
  for (const r of running) {
    r.requests.reset();
    for (let i = 0; i < 20; i++) await post(r.url, PAGE_QUERY, { a: null });
    const requestsWithout = r.requests.count() / 20;
    r.requests.reset();
    for (let i = 0; i < 20; i++) await post(r.url, SERIES_QUERY);
    const requestsWithSeries = r.requests.count() / 20;
    rows.push({
      size: r.size, seedSeconds: r.seedSeconds, storeMiB: r.storeMiB,
      page1P50: percentileOfSorted([...r.page1].sort((a, b) => a - b), 50),
      page50P50: percentileOfSorted([...r.page50].sort((a, b) => a - b), 50),
      requestsWithSeries, requestsWithout, rssMiB: rssMiB(r.pid), peakMiB: r.sampler.peakMiB(),
    });
    r.sampler.stop();
  }
  return rows;
}

async function measureBackfill(ctx: SectionContext, size: number): Promise<{ size: number; seconds: number; rate: number; requests: number; storeMiB: number }> {
  const pacs = await startChildServer<{ url: string; studies: number }>('synthetic PACS (back-fill)', './servers/synthetic-pacs-process.ts', {
    trust: TRUST, count: size, days: DAYS, now: ctx.now, seed: 23,
  });
  const path = join(ctx.tmpDir, 'backfill', `${TRUST}.db`);
  mkdirSync(join(ctx.tmpDir, 'backfill'), { recursive: true });
  const store = openTrustStore(path);
  try {
    const sync = new PacsSync({
      index: store,
      client: new DicomWebClient({ baseUrl: pacs.ready.url, timezone: 'UTC', timeoutMs: 60_000 }),
      settings: { intervalMs: 5000, recheckDays: 7, recheckIntervalMs: 60_000, pollDays: 2, pageSize: 1000, staleAfterMs: 60_000, undatedSweep: false },
      timezone: 'UTC',
    });
    progress(`trust scale: back-fill of ${size} studies from a local DICOMweb server`);
    const started = performance.now();
    await sync.backfillAll();
    const seconds = (performance.now() - started) / 1000;
    const indexed = store.pacsStudyCount();
    if (indexed !== pacs.ready.studies) throw new Error(`back-fill indexed ${indexed} of ${pacs.ready.studies} studies`);
    return { size: indexed, seconds, rate: indexed / seconds, requests: sync.requests, storeMiB: fileMiB(path) };
  } finally {
    store.close();
    await pacs.stop();
  }
}

/** Store sizes (RIS orders, all indexed) of the capacity measurement. */
const CAPACITY_SIZES = [2_000, 200_000, 1_000_000] as const;
/** Orders a day at every size: a bigger store is a deeper history, the same recent activity. */
const CAPACITY_PER_DAY = 50;

interface CapacityRow {
  size: number;
  days: number;
  seedSeconds: number;
  indexP50: number;
  wholeP50: number;
  ordersRead: number;
}

/**
 * `capacity(groupBy: [MODALITY, WEEK])` over the default 28-day window, in process against a real
 * SQLite store seeded through the product's writer: through the study index (the product) and,
 * for comparison, reading every order and report as capacity did before (a store double without
 * the index's reader). Interleaved samples; p50.
 */
export async function measureCapacity(ctx: SectionContext, sizes: readonly number[]): Promise<CapacityRow[]> {
  const stores: { size: number; days: number; seedSeconds: number; store: ReturnType<typeof openTrustStore>; index: number[]; whole: number[]; read: number }[] = [];
  try {
    for (const size of sizes) {
      const path = join(ctx.tmpDir, `capacity-${size}`, `${TRUST}.db`);
      mkdirSync(join(ctx.tmpDir, `capacity-${size}`), { recursive: true });
      progress(`trust scale: seeding ${size} RIS orders through the store's writer (capacity)`);
      const started = performance.now();
      const { days } = seedCapacityOrders(path, { count: size, perDay: CAPACITY_PER_DAY, now: Date.parse(ctx.now), seed: 29 });
      stores.push({ size, days, seedSeconds: (performance.now() - started) / 1000, store: openTrustStore(path), index: [], whole: [], read: 0 });
    }
    const config = { code: TRUST, name: 'Synthetic', capacity: { scanners: [{ id: 'CT1', modality: 'CT', examsPerDay: 40 }] } };
    const now = new Date(ctx.now);
    const args = { groupBy: ['MODALITY', 'WEEK'] };
    progress(`trust scale: capacity samples at ${sizes.join(', ')} orders`);
    for (let i = 0; i < 45; i++) {
      for (const s of stores) {
        const st = s.store;
        let read = 0;
        const viaIndex: CapacityContext = { clock: () => now, config, store: {
          findOrders: (q) => st.findOrders(q), reportsByAccession: (a) => st.reportsByAccession(a), pacsStudiesByAccession: (a) => st.pacsStudiesByAccession(a),
          statusHistoryAsOf: (at, x) => st.statusHistoryAsOf(at, x), capacityAccessions: (q) => st.capacityAccessions(q),
          ordersByAccession: (a) => { read += a.length; return st.ordersByAccession(a); },
        } };
        let started = performance.now();
        const a = capacityResolver(null, args, viaIndex);
        if (i >= 5) s.index.push(performance.now() - started);
        s.read = read;
        // The reading before issue 11, every 8th round (it takes seconds at a million orders).
        if (i >= 5 && i % 8 === 0) {
          const whole: CapacityContext = { clock: () => now, config, store: {
            findOrders: (q) => st.findOrders(q), reportsByAccession: (x) => st.reportsByAccession(x), pacsStudiesByAccession: (x) => st.pacsStudiesByAccession(x),
          } };
          started = performance.now();
          const b = capacityResolver(null, args, whole);
          s.whole.push(performance.now() - started);
          if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`capacity through the index differs from the whole read at ${s.size}`);
        }
      }
    }
  } finally {
    for (const s of stores) s.store.close();
  }
  const p50 = (xs: number[]) => percentileOfSorted([...xs].sort((x, y) => x - y), 50);
  return stores.map((s) => ({ size: s.size, days: s.days, seedSeconds: s.seedSeconds, indexP50: p50(s.index), wholeP50: p50(s.whole), ordersRead: s.read }));
}

/**
 * Issue #11: a trust at archive scale. Page latency from the study index at 2k…1M studies,
 * page 50 against page 1, PACS requests per page, back-fill rate, store size and trust RSS.
 */
export async function runTrustScale(ctx: SectionContext, opts: { quick: boolean }): Promise<SectionReport> {
  const sizes = opts.quick ? SCALE_SIZES.slice(0, 3) : SCALE_SIZES;
  const running: RunningSize[] = [];
  let rows: ScaleRow[];
  try {
    for (const size of sizes) running.push(await startSize(ctx, size));
    progress(`trust scale: ${SAMPLES} interleaved samples of page 1 and page 50 at ${sizes.join(', ')} studies`);
    rows = await measureInterleaved(running);
  } finally {
    for (const r of running) await r.close();
  }
  for (const row of rows) {
    progress(`  ${row.size}: page1 p50 ${row.page1P50.toFixed(2)} ms, page50 p50 ${row.page50P50.toFixed(2)} ms, PACS requests/page ${row.requestsWithSeries} with series, ${row.requestsWithout} without, RSS ${row.rssMiB.toFixed(0)} MiB (peak ${row.peakMiB.toFixed(0)})`);
  }
  const capacity = await measureCapacity(ctx, opts.quick ? CAPACITY_SIZES.slice(0, 2) : CAPACITY_SIZES);
  for (const c of capacity) progress(`  capacity at ${c.size}: p50 ${c.indexP50.toFixed(2)} ms through the index (${c.ordersRead} orders read), ${c.wholeP50.toFixed(1)} ms reading every order`);
  const backfill = await measureBackfill(ctx, opts.quick ? 20_000 : 100_000);
  progress(`  back-fill: ${backfill.size} studies in ${backfill.seconds.toFixed(1)} s = ${backfill.rate.toFixed(0)} studies/s`);

  const smallest = rows[0]!;
  const largest = rows[rows.length - 1]!;
  const table = markdownTable(
    ['indexed studies', 'seed s (SQL)', 'store MiB', 'page 1 p50 ms', 'page 50 p50 ms', 'page 50 / page 1', 'PACS req/page (series)', 'PACS req/page (no PACS field)', 'trust RSS MiB (peak)'],
    rows.map((r) => [
      r.size.toLocaleString('en-GB'), r.seedSeconds.toFixed(1), r.storeMiB.toFixed(1), r.page1P50.toFixed(2), r.page50P50.toFixed(2),
      (r.page50P50 / r.page1P50).toFixed(2), String(r.requestsWithSeries), String(r.requestsWithout), `${r.rssMiB.toFixed(0)} (${r.peakMiB.toFixed(0)})`,
    ]),
  );
  const capacityTable = markdownTable(
    ['RIS orders indexed', 'history (days)', 'seed s (writer)', 'capacity p50 ms (index)', 'orders read', 'capacity p50 ms (every order, before)'],
    capacity.map((c) => [c.size.toLocaleString('en-GB'), String(c.days), c.seedSeconds.toFixed(1), c.indexP50.toFixed(2), String(c.ordersRead), c.wholeP50.toFixed(1)]),
  );
  const capSmall = capacity[0]!;
  const capLarge = capacity[capacity.length - 1]!;
  const capRatio = capLarge.indexP50 / capSmall.indexP50;
  const notes = [
    `Stores SEEDED by direct SQL inserts in one transaction (bench/seed-study-index.ts), rows made by the product's own derivation (studyIndexRow); the product fills the index by QIDO-RS sync, measured below as the back-fill rate. Synthetic archive: ${DAYS} days, PACS-only studies, UTC.`,
    `Pages: \`studies(first: ${PAGE})\` with id, accession, status, modalities, sortAt, description, imageCount (all from the index), ${SAMPLES} sequential requests after 20 warm-up, one trust in its own process; page 50 = the same query after the cursor of page 49. "PACS req/page": requests the trust made to the PACS (counting proxy) per page, averaged over 20 pages; "series" asks \`series { seriesInstanceUid modality }\` of page 1's studies.`,
    `Back-fill: ${backfill.size.toLocaleString('en-GB')} studies over ${DAYS} days from the DICOMweb simulator in its own process (QIDO-RS, limit 1000, StudyDate windows), into a fresh store in the bench process: ${backfill.seconds.toFixed(1)} s, ${backfill.rate.toFixed(0)} studies/s, ${backfill.requests} requests, store ${backfill.storeMiB.toFixed(1)} MiB.`,
  ];
  const ratio = largest.page1P50 / smallest.page1P50;
  const worstPage50 = Math.max(...rows.map((r) => r.page50P50 / r.page1P50));
  const rssAtLargest = largest.peakMiB;
  return {
    name: 'scale',
    title: 'Trust scale (issue #11)',
    body: `${table}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n\n### Capacity\n\n${capacityTable}\n\n- \`capacity(groupBy: [MODALITY, WEEK])\`, default 28-day window, called in the bench process on a SQLite store seeded through the product's writer (bench/seed-capacity-orders.ts: ${CAPACITY_PER_DAY} orders a day at every size, so a larger store is a deeper history with the same recent activity); 40 samples after 5 warm-up, sizes interleaved. "every order, before": the same report reading every order and report (the path before the index), 5 samples; both answers compared equal on each of those.`,
    targets: [
      { target: `page-1 p50 at ${largest.size.toLocaleString('en-GB')} ≤ 1.3 × at ${smallest.size.toLocaleString('en-GB')}`, measured: `${largest.page1P50.toFixed(2)} ms vs ${smallest.page1P50.toFixed(2)} ms (${ratio.toFixed(2)}×)`, met: ratio <= 1.3 },
      { target: 'page 50 ≤ 1.3 × page 1 (every size)', measured: `worst ${worstPage50.toFixed(2)}×`, met: worstPage50 <= 1.3 },
      { target: '≤ 1 PACS request per page with series, 0 without', measured: `${Math.max(...rows.map((r) => r.requestsWithSeries))} with, ${Math.max(...rows.map((r) => r.requestsWithout))} without`, met: rows.every((r) => r.requestsWithSeries <= 1 && r.requestsWithout === 0) },
      { target: `capacity p50 at ${capLarge.size.toLocaleString('en-GB')} orders ≤ 1.3 × at ${capSmall.size.toLocaleString('en-GB')} (same daily activity)`, measured: `${capLarge.indexP50.toFixed(2)} ms vs ${capSmall.indexP50.toFixed(2)} ms (${capRatio.toFixed(2)}×); every order read: ${capLarge.wholeP50.toFixed(0)} ms vs ${capSmall.wholeP50.toFixed(0)} ms`, met: capRatio <= 1.3 },
      { target: 'back-fill ≥ 5,000 studies/s from a local DICOMweb server', measured: `${backfill.rate.toFixed(0)} studies/s`, met: backfill.rate >= 5000 },
      { target: `trust RSS ≤ 300 MiB at ${largest.size.toLocaleString('en-GB')}`, measured: `${rssAtLargest.toFixed(0)} MiB peak`, met: rssAtLargest <= 300 },
    ],
  };
}
