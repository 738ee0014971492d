/**
 * Follows A40 merges (HL7 v2.5 chapter 3.3.40, ADT^A40 "merge patient – patient identifier list")
 * from a patient to the patient that finally survived. Merges arrive repeated, reversed and for
 * patients already merged, so a chain may in theory loop (A→B, later B→A): the walk stops at the
 * first patient seen twice, returning the last one before the loop closes, so it always ends.
 *
 * @param next the patient `id` was merged into, or null when `id` survives
 */
export function followSurvivorChain(start: number, next: (id: number) => number | null): number {
  const seen = new Set<number>([start]);
  let current = start;
  for (;;) {
    const target = next(current);
    if (target === null || seen.has(target)) return current;
    seen.add(target);
    current = target;
  }
}
