import { Kind, type SelectionNode } from 'graphql';
import { compareStudyOrder, sortMillis, type StudySortKey } from '../schema/index.ts';
import { gatewayObject } from './alias-field-resolver.ts';
import { HIDDEN_PREFIX, field } from './forward-selection.ts';
import { mergePages, type RowComparator, type TrustPage } from './merge-pages.ts';
import { encodeNetworkCursor, type TrustPositions } from './network-cursor.ts';
import { EDGE_CURSOR, MERGED } from './symbols.ts';
import { TrustFailure } from './trust-failure.ts';
import type { TrustEntry } from './trust-registry.ts';

/*
 * A connection the gateway merged from several trusts' pages. The client's own `edges`
 * selections (under their response keys) carry the row data; the gateway answers `pageInfo`,
 * `unavailableTrusts` and every edge's `cursor` itself from what is stored under MERGED and
 * EDGE_CURSOR (symbols.ts).
 */

export interface MergedConnectionState {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  unavailableTrusts: object[];
}

/**
 * The network order of one list: the node fields it is read from and how two rows compare. Every
 * merged root (studies by `sortAt`, a worklist by `dueAt`…) is the same fan-out, merge and outcome
 * pipeline with its own order.
 */
export interface RowOrder<K extends object> {
  /** Node fields the merge reads, fetched under hidden aliases (`__gw_<name>`) whatever the client selected. */
  fields: readonly string[];
  /** The row's order key from those fields (by field name); undefined when their shape is wrong. */
  key(node: Readonly<Record<string, unknown>>): K | undefined;
  compare: RowComparator<K>;
}

/** Studies: newest `sortAt` first, none last, then id (schema/study-order.ts). */
export const STUDY_ORDER: RowOrder<StudySortKey> = {
  fields: ['id', 'sortAt'],
  key: ({ id, sortAt }) => (typeof id === 'string' && (sortAt == null || typeof sortAt === 'string') ? { id, sortAt: sortMillis(sortAt) } : undefined),
  compare: compareStudyOrder,
};

const H = HIDDEN_PREFIX;

/**
 * What the merge needs from each trust, whatever the client selected: every row's trust cursor
 * and order fields, and whether the trust has more. Its own `edges` list keeps the client's
 * `edges` (any aliases, or none) untouched.
 */
export function hiddenConnectionSelections(order: Pick<RowOrder<object>, 'fields'>): SelectionNode[] {
  return [
    field('edges', {
      alias: `${H}edges`,
      selections: [field('cursor', { alias: `${H}cursor` }), field('node', { selections: order.fields.map((f) => field(f, { alias: `${H}${f}` })) })],
    }),
    field('pageInfo', { alias: `${H}more`, selections: [field('hasNextPage')] }),
  ];
}

/** Response keys of the client's fields named `fieldName` at this level (inline fragments included). */
export function responseKeysOf(selections: readonly SelectionNode[], fieldName: string): string[] {
  const keys = new Set<string>();
  for (const sel of selections) {
    if (sel.kind === Kind.FIELD && sel.name.value === fieldName) keys.add(sel.alias?.value ?? fieldName);
    else if (sel.kind === Kind.INLINE_FRAGMENT) for (const k of responseKeysOf(sel.selectionSet.selections, fieldName)) keys.add(k);
  }
  return [...keys];
}

const CURSOR_KEY = `${H}cursor`;
/** `__gw_<field>` for each order field, made once per order's field list. */
const hiddenByFields = new WeakMap<readonly string[], string[]>();
function hiddenNames(fields: readonly string[]): string[] {
  let names = hiddenByFields.get(fields);
  if (!names) hiddenByFields.set(fields, (names = fields.map((f) => `${H}${f}`)));
  return names;
}

/** Reads a trust's connection JSON; a shape the contract does not allow is that trust's failure. */
export function readTrustPage<K extends object>(trust: string, connection: unknown, order: RowOrder<K>): TrustPage<K> {
  const c = connection as Record<string, unknown> | null;
  const edges = c?.[`${H}edges`];
  const more = (c?.[`${H}more`] as { hasNextPage?: unknown } | undefined)?.hasNextPage;
  if (!Array.isArray(edges) || typeof more !== 'boolean') throw new TrustFailure(trust, 'invalid-json', 'unexpected page shape');
  const { fields } = order;
  const hidden = hiddenNames(fields);
  // Every row is read and checked (a malformed row anywhere fails the trust), with plain loops:
  // at 16 trusts this runs for 320 rows per request (issue 16 fan-out profile).
  const rows = new Array<K & { cursor: string }>(edges.length);
  for (let i = 0; i < edges.length; i++) {
    const edge = edges[i] as { [k: string]: unknown } | null;
    const node = edge?.node as { [k: string]: unknown } | null | undefined;
    const cursor = edge?.[CURSOR_KEY];
    let key: K | undefined;
    if (node) {
      const named: Record<string, unknown> = {};
      for (let f = 0; f < fields.length; f++) named[fields[f]!] = node[hidden[f]!];
      key = order.key(named);
    }
    if (typeof cursor !== 'string' || key === undefined) throw new TrustFailure(trust, 'invalid-json', 'unexpected row shape');
    rows[i] = { ...key, cursor };
  }
  return { trust, rows, hasNextPage: more };
}

export interface TrustConnection<K extends object> {
  trust: string;
  connection: Record<string, unknown>;
  page: TrustPage<K>;
}

/** Merges the trusts' pages into one connection object for the gateway's resolvers. */
export function mergeConnections<K extends object>(
  answers: ReadonlyArray<TrustConnection<K>>,
  edgesKeys: readonly string[],
  first: number,
  start: TrustPositions,
  unavailable: ReadonlyArray<Pick<TrustEntry, 'code'>>,
  compare: RowComparator<K>,
): Record<string | symbol, unknown> {
  const merged = mergePages(answers.map((a) => a.page), first, start, compare);
  const byTrust = new Map(answers.map((a) => [a.trust, a.connection]));
  const out: Record<string | symbol, unknown> = Object.create(null); // keys are client aliases (finding 12)
  for (const key of edgesKeys) {
    out[key] = merged.rows.map((row) => {
      const list = byTrust.get(row.trust)?.[key] as Array<Record<string | symbol, unknown>> | undefined;
      const edge = list?.[row.index] ?? {};
      edge[EDGE_CURSOR] = encodeNetworkCursor(row.positions);
      return edge;
    });
  }
  const last = merged.rows[merged.rows.length - 1];
  const state: MergedConnectionState = {
    pageInfo: { hasNextPage: merged.hasNextPage, endCursor: last ? encodeNetworkCursor(last.positions) : null },
    unavailableTrusts: unavailable.map((t) => gatewayObject({ code: t.code })),
  };
  out[MERGED] = state;
  return out;
}
