import { DateTime } from 'luxon';
import { randomFor } from './seeded-random.ts';
import type { SimTrustProfile } from './sim-trust-profile.ts';
import { planStudy } from './plan-study.ts';
import type { StudyPlan } from './study-plan.ts';
import { trustCatchment } from './synthetic-patients.ts';

export interface HistoryWindow {
  seed: number;
  days: number;
  studiesPerDay: number;
  now: number;
}

/**
 * Every study requested in the window `(now − days, now]`, planned from (seed, trust, local day,
 * number within the day): a later `now` keeps the studies of the days both windows share, with
 * the same accession numbers and UIDs. Weekdays are busier than weekends (about 1.2 : 0.5) so the
 * average is `studiesPerDay`.
 */
export function historyPlans(profile: SimTrustProfile, w: HistoryWindow): StudyPlan[] {
  const catchment = trustCatchment(w.seed, profile.code);
  const start = w.now - w.days * 86_400_000;
  const zone = profile.timezone;
  const plans: StudyPlan[] = [];
  for (let day = DateTime.fromMillis(start, { zone }).startOf('day'); day.toMillis() <= w.now; day = day.plus({ days: 1 })) {
    const key = day.toFormat('yyMMdd');
    const rng = randomFor(w.seed, profile.code, 'day', key);
    const factor = day.weekday >= 6 ? 0.5 : 1.2;
    const count = Math.round(w.studiesPerDay * factor * (0.85 + 0.3 * rng.next()));
    const dayStart = day.toMillis();
    const dayLength = day.plus({ days: 1 }).toMillis() - dayStart;
    for (let n = 0; n < count; n++) {
      // Requests cluster in the working day: 80% between 08:00 and 18:00.
      const frac = rng.chance(0.8) ? (8 + 10 * rng.next()) / 24 : rng.next();
      const requestedAt = dayStart + Math.floor(frac * dayLength);
      if (requestedAt <= start || requestedAt > w.now) continue;
      const accessionNumber = `${profile.code}${key}${String(n + 1).padStart(4, '0')}`;
      plans.push(planStudy({ seed: w.seed, trust: profile.code, accessionNumber, requestedAt, catchment, pace: 'history' }));
    }
  }
  return plans;
}
