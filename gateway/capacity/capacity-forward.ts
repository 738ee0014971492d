import { Kind, parse, type FieldNode, type OperationDefinitionNode, type SelectionNode } from 'graphql';
import { gatewayObject } from '../alias-field-resolver.ts';
import type { CapacityReportJson, CapacityRowJson, TrustRef } from './capacity-report.ts';

/**
 * What the gateway asks every trust for a capacity query, and how it turns the answers back into
 * objects its own execution resolves.
 *
 * The merge needs every measure of every row (counts, sketches, scanner capacity, the quotients it
 * recovers numerators from, the group keys) whatever the client selected, and it computes every
 * field itself, so the client's selection is not forwarded at all: each trust gets one fixed
 * selection under `__gw_` response keys (reserved for the gateway, see forward-selection.ts), with
 * the client's `filter` and `groupBy` arguments as written (variables travel with them through
 * `buildOperation`). The merged report is keyed by field name and marked as a gateway object, so
 * the gateway's default resolver answers the client's own selection (aliases, fragments,
 * directives) from it by field name and nothing hidden reaches the client.
 */

/** Response key of the forwarded `capacity` field. */
export const CAPACITY_KEY = '__gw_capacity';
const ROWS_KEY = '__gw_rows';
const TOTAL_KEY = '__gw_total';

const TURNAROUND = 'count p50 p90 p95 sketch';
/** Every `CapacityRow` field, by name: the merge reads all of them. */
export const CAPACITY_ROW_SELECTION = `trust { code name } modality priority week requested scheduled performed reported unreported oldestUnreportedAt waitingOver6Weeks requestToPerformed { ${TURNAROUND} } performedToReported { ${TURNAROUND} } reportedWithin4WeeksPercent utilisation scannerCapacity`;

const FORWARDED: readonly SelectionNode[] = (
  parse(`{ ${ROWS_KEY}: rows { ${CAPACITY_ROW_SELECTION} } ${TOTAL_KEY}: total { ${CAPACITY_ROW_SELECTION} } }`).definitions[0] as OperationDefinitionNode
).selectionSet.selections;

/**
 * The `capacity` field to send to a trust for the client's `capacity` field: the client's
 * arguments, the gateway's selection, under `alias` (one per client field when a query asks for
 * capacity twice).
 */
export function capacityForwardField(client: FieldNode, alias: string = CAPACITY_KEY): FieldNode {
  return {
    kind: Kind.FIELD,
    alias: { kind: Kind.NAME, value: alias },
    name: { kind: Kind.NAME, value: 'capacity' },
    arguments: client.arguments ?? [],
    directives: [],
    selectionSet: { kind: Kind.SELECTION_SET, selections: FORWARDED },
  };
}

/**
 * A trust's answer (`data[alias]`) as the merge reads it: the hidden keys replaced by field
 * names. Throws when the answer lacks the report (the trust failed it: count it unavailable).
 */
export function readTrustCapacity(data: Record<string, unknown> | null, alias: string = CAPACITY_KEY): CapacityReportJson {
  const answer = data?.[alias] as Record<string, unknown> | null | undefined;
  const rows = answer?.[ROWS_KEY];
  const total = answer?.[TOTAL_KEY];
  if (!Array.isArray(rows) || typeof total !== 'object' || total === null) {
    throw new Error('the trust answered no capacity report');
  }
  return { rows: rows as CapacityRowJson[], total: total as CapacityRowJson, unavailableTrusts: [] };
}

/**
 * The merged report as the gateway's resolvers read it: every object marked as built by the
 * gateway (read by field name, not response key); trusts also carry `__gw_code`, as every trust
 * object the gateway resolves does (forward-selection.ts).
 */
export function toGatewayCapacity(report: CapacityReportJson): CapacityReportJson {
  const trust = (t: TrustRef | null) => (t === null ? null : gatewayObject({ code: t.code, name: t.name, __gw_code: t.code }));
  const row = (r: CapacityRowJson): CapacityRowJson =>
    gatewayObject({
      ...r,
      trust: trust(r.trust),
      requestToPerformed: gatewayObject({ ...r.requestToPerformed }),
      performedToReported: gatewayObject({ ...r.performedToReported }),
    });
  return gatewayObject({ rows: report.rows.map(row), total: row(report.total), unavailableTrusts: report.unavailableTrusts.map((t) => trust(t)!) });
}
