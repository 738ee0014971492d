import { resolveHistory, toMillis } from './generate-history.ts';
import { pacsStudiesOf } from './pacs-study.ts';
import { randomFor } from './seeded-random.ts';
import type { SimMessage } from './sim-message.ts';
import type { SimStudy } from './sim-study.ts';
import type { SimTrustProfile } from './sim-trust-profile.ts';
import { compareEvents, eventsOf, type StudyEvent } from './study-events.ts';
import { planStudy } from './plan-study.ts';
import { trustCatchment } from './synthetic-patients.ts';
import { TrustMessageWriter } from './trust-message-writer.ts';

export interface LiveFeedOptions {
  seed: number;
  /** Average HL7 messages per minute from new requests. @default 6 */
  ratePerMinute?: number;
  /** Where the history ended and the feed starts (ISO 8601 or Date). */
  now: string | Date;
  /** The history this feed continues: same defaults as `generateHistory`. @default 30 */
  days?: number;
  /** @default 40 */
  studiesPerDay?: number;
}

export interface LiveBatch {
  messages: SimMessage[];
  /** Studies that reached the PACS in this batch. */
  studies: SimStudy[];
}

export interface LiveFeed {
  /** Epoch ms up to which the feed has emitted. */
  readonly clock: number;
  /**
   * Everything due in `(clock, until]`, in send order; advances the clock. Pure given the
   * options and the sequence of `until` values: the same calls give the same batches.
   */
  advance(until: string | Date | number): LiveBatch;
  /**
   * Plays the feed in real time from `now`: every `tickMs` it advances to
   * `now + elapsed wall time` and hands over a non-empty batch. Returns `stop`.
   */
  start(listener: (batch: LiveBatch) => void, options?: { /** @default 1000 */ tickMs?: number }): () => void;
}

/** Messages a live study produces on average (registration, NW, SC, IP, CM, ~1.2 reports). */
const MESSAGES_PER_STUDY = 5.5;

/**
 * The demo's live trickle, continuing the world of `generateHistory` with the same seed and
 * window: history studies still open at `now` progress at their real times, and new requests
 * arrive as a Poisson process whose steps run on a compressed clock (minutes, not days), so an
 * order visibly goes from NW to a final report. Accession numbers of new requests carry the
 * feed's start time (`<trust>L<base36 seconds><n>`), so a restarted feed never reuses one.
 */
export function createLiveFeed(profile: SimTrustProfile, options: LiveFeedOptions): LiveFeed {
  const rate = options.ratePerMinute ?? 6;
  if (!(rate >= 0) || !Number.isFinite(rate)) throw new Error(`ratePerMinute must be zero or more; got ${rate}`);
  const start = toMillis(options.now);
  const history = resolveHistory(profile, options);
  const writer = new TrustMessageWriter(profile);
  // Replay the past through the writer so it knows which patients the receiver already has.
  for (const e of history.past) writer.write(e);
  const pending: StudyEvent[] = [...history.future];
  const catchment = trustCatchment(options.seed, profile.code);
  const arrivals = randomFor(options.seed, profile.code, 'live-arrivals', start);
  const meanGap = rate > 0 ? (60_000 * MESSAGES_PER_STUDY) / rate : Infinity;
  const stamp = Math.floor(start / 1000).toString(36).toUpperCase();
  let nextArrival = start + arrivals.exponential(meanGap);
  let serial = 0;
  let clock = start;

  const advance = (untilInput: string | Date | number): LiveBatch => {
    const until = typeof untilInput === 'number' ? untilInput : toMillis(untilInput);
    if (until <= clock) return { messages: [], studies: [] };
    let added = false;
    while (nextArrival <= until) {
      serial += 1;
      const accessionNumber = `${profile.code}L${stamp}${String(serial).padStart(3, '0')}`;
      const plan = planStudy({ seed: options.seed, trust: profile.code, accessionNumber, requestedAt: Math.round(nextArrival), catchment, pace: 'live' });
      pending.push(...eventsOf(plan));
      added = true;
      nextArrival += arrivals.exponential(meanGap);
    }
    if (added) pending.sort(compareEvents);
    const batch: LiveBatch = { messages: [], studies: [] };
    while (pending.length > 0 && (pending[0] as StudyEvent).at <= until) {
      const event = pending.shift() as StudyEvent;
      batch.messages.push(...writer.write(event));
      if (event.kind === 'completed') batch.studies.push(...pacsStudiesOf(profile, event.plan));
    }
    clock = until;
    return batch;
  };

  return {
    get clock() {
      return clock;
    },
    advance,
    start(listener, startOptions) {
      const wallStart = Date.now();
      const timer = setInterval(() => {
        const batch = advance(start + (Date.now() - wallStart));
        if (batch.messages.length > 0 || batch.studies.length > 0) listener(batch);
      }, startOptions?.tickMs ?? 1000);
      return () => clearInterval(timer);
    },
  };
}
