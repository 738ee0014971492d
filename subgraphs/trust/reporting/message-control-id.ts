/**
 * MSH-10 of a version's ORU: the trust, the creation time and the outbox id, at most 20
 * characters (ST length in v2.3–2.5.1). Time makes it unique even if a store is ever recreated,
 * so a RIS never mistakes a new report for a duplicate of an old one.
 */
export function controlIdFor(trust: string, at: Date, outboxId: number): string {
  return `${trust}${at.getTime().toString(36).toUpperCase()}${outboxId.toString(36).toUpperCase()}`.slice(0, 20);
}
