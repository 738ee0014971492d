import { historyPlans } from './history-plans.ts';
import { pacsStudiesOf } from './pacs-study.ts';
import type { SimMessage } from './sim-message.ts';
import type { SimStudy } from './sim-study.ts';
import type { SimTrustProfile } from './sim-trust-profile.ts';
import { compareEvents, eventsOf, type StudyEvent } from './study-events.ts';
import type { StudyPlan } from './study-plan.ts';
import { TrustMessageWriter } from './trust-message-writer.ts';

export interface HistoryOptions {
  /** Any integer; the same seed gives byte-identical output. */
  seed: number;
  /** @default 30 */
  days?: number;
  /** Average requests per day. @default 40 */
  studiesPerDay?: number;
  /** The end of the history: an ISO 8601 instant or a Date. Nothing after it is sent or stored. */
  now: string | Date;
}

export interface SimHistory {
  /** In send order. */
  messages: SimMessage[];
  /** What the PACS holds: every study completed by `now`, in completion order. */
  studies: SimStudy[];
}

/** Resolved history window, shared with the live feed so it continues the same world. */
export interface ResolvedHistory {
  plans: StudyPlan[];
  /** Events at or before `now`, in send order. */
  past: StudyEvent[];
  /** Events after `now`, in send order: what the live feed plays out. */
  future: StudyEvent[];
}

export function toMillis(now: string | Date): number {
  const ms = now instanceof Date ? now.getTime() : Date.parse(now);
  if (Number.isNaN(ms)) throw new Error(`now must be an ISO 8601 instant; got ${String(now)}`);
  return ms;
}

export function resolveHistory(profile: SimTrustProfile, options: HistoryOptions): ResolvedHistory {
  const days = options.days ?? 30;
  const studiesPerDay = options.studiesPerDay ?? 40;
  if (!Number.isInteger(options.seed)) throw new Error(`seed must be an integer; got ${options.seed}`);
  if (!(days > 0)) throw new Error(`days must be positive; got ${days}`);
  if (!(studiesPerDay >= 0)) throw new Error(`studiesPerDay must be zero or more; got ${studiesPerDay}`);
  const now = toMillis(options.now);
  const plans = historyPlans(profile, { seed: options.seed, days, studiesPerDay, now });
  const events = plans.flatMap(eventsOf).sort(compareEvents);
  const split = events.findIndex((e) => e.at > now);
  return split < 0 ? { plans, past: events, future: [] } : { plans, past: events.slice(0, split), future: events.slice(split) };
}

/**
 * A trust's last `days` of RIS traffic and the PACS content it implies, deterministic from the
 * seed. Studies requested before the window are not included (so no message refers to an order
 * the receiver never saw); studies still waiting at `now` form the worklist and reporting backlog.
 */
export function generateHistory(profile: SimTrustProfile, options: HistoryOptions): SimHistory {
  const { past } = resolveHistory(profile, options);
  const nowMs = toMillis(options.now);
  const writer = new TrustMessageWriter(profile);
  const messages: SimMessage[] = [];
  const studies: SimStudy[] = [];
  for (const event of past) {
    messages.push(...writer.write(event));
    if (event.kind === 'completed') studies.push(...pacsStudiesOf(profile, event.plan, nowMs));
  }
  return { messages, studies };
}
