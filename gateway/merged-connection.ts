import { Kind, type SelectionNode } from 'graphql';
import { sortMillis } from '../schema/index.ts';
import { gatewayObject } from './alias-field-resolver.ts';
import { HIDDEN_PREFIX, field } from './forward-selection.ts';
import { mergePages, type TrustPage } from './merge-pages.ts';
import { encodeNetworkCursor, type TrustPositions } from './network-cursor.ts';
import { TrustFailure } from './trust-failure.ts';
import type { TrustEntry } from './trust-registry.ts';

/**
 * A `StudyConnection` the gateway merged from several trusts' pages. The client's own `edges`
 * selections (under their response keys) carry the row data; the gateway answers `pageInfo`,
 * `unavailableTrusts` and every `StudyEdge.cursor` itself from what is stored under these symbols.
 */
export const MERGED = Symbol('gateway.mergedConnection');
export const EDGE_CURSOR = Symbol('gateway.edgeCursor');

export interface MergedConnectionState {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  unavailableTrusts: object[];
}

const H = HIDDEN_PREFIX;

/**
 * What the merge needs from each trust, whatever the client selected: every row's trust cursor,
 * id and sortAt, and whether the trust has more. Its own `edges` list keeps the client's
 * `edges` (any aliases, or none) untouched.
 */
export function hiddenConnectionSelections(): SelectionNode[] {
  return [
    field('edges', {
      alias: `${H}edges`,
      selections: [
        field('cursor', { alias: `${H}cursor` }),
        field('node', { selections: [field('id', { alias: `${H}id` }), field('sortAt', { alias: `${H}sortAt` })] }),
      ],
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

/** Reads a trust's connection JSON; a shape the contract does not allow is that trust's failure. */
export function readTrustPage(trust: string, connection: unknown): TrustPage {
  const c = connection as Record<string, unknown> | null;
  const edges = c?.[`${H}edges`];
  const more = (c?.[`${H}more`] as { hasNextPage?: unknown } | undefined)?.hasNextPage;
  if (!Array.isArray(edges) || typeof more !== 'boolean') throw new TrustFailure(trust, 'invalid-json', 'unexpected page shape');
  const rows = edges.map((e) => {
    const edge = e as { [k: string]: unknown } | null;
    const node = edge?.node as { [k: string]: unknown } | null | undefined;
    const cursor = edge?.[`${H}cursor`];
    const id = node?.[`${H}id`];
    const sortAt = node?.[`${H}sortAt`];
    if (typeof cursor !== 'string' || typeof id !== 'string' || (sortAt != null && typeof sortAt !== 'string')) {
      throw new TrustFailure(trust, 'invalid-json', 'unexpected row shape');
    }
    return { cursor, id, sortAt: sortMillis(sortAt as string | null) };
  });
  return { trust, rows, hasNextPage: more };
}

export interface TrustConnection {
  trust: string;
  connection: Record<string, unknown>;
  page: TrustPage;
}

/** Merges the trusts' pages into one connection object for the gateway's resolvers. */
export function mergeConnections(
  answers: readonly TrustConnection[],
  edgesKeys: readonly string[],
  first: number,
  start: TrustPositions,
  unavailable: readonly TrustEntry[],
): Record<string | symbol, unknown> {
  const merged = mergePages(answers.map((a) => a.page), first, start);
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
