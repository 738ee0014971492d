import { applyHardCases } from './hard-cases.ts';
import { draftStudy, type PlanInput, type StudyPlan } from './study-plan.ts';

/**
 * One study's plan as the feeds send it: the drafted life (study-plan.ts) with its hard cases
 * (hard-cases.ts) drawn from their own random stream. Joined here so that neither of the two
 * imports the other.
 */
export function planStudy(input: PlanInput): StudyPlan {
  return applyHardCases(draftStudy(input), input.seed, input.pace === 'live');
}
