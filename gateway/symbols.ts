/**
 * Every mark the gateway hangs on the objects its own execution resolves, in one place. They are
 * symbols so they can never collide with a response key a client chose, and they never reach a
 * client (graphql-js serialises only the selected response keys).
 */

/**
 * Objects the gateway builds itself (trusts from the registry, page info, capacity reports):
 * their values are stored by field name, not by the client's response key.
 */
export const GATEWAY_OBJECT = Symbol('gateway.object');

/**
 * Errors a trust reported inside its answer, kept on the JSON object that holds the failed field:
 * `obj[FIELD_ERRORS][responseKey]` (trust-answer.ts). The alias-aware resolver throws it when the
 * gateway resolves that field, so graphql-js locates it at the GATEWAY path.
 */
export const FIELD_ERRORS = Symbol('gateway.fieldErrors');

/** A connection the gateway merged: its `pageInfo` and `unavailableTrusts` (merged-connection.ts). */
export const MERGED = Symbol('gateway.mergedConnection');

/** The gateway cursor of one edge of a merged connection. */
export const EDGE_CURSOR = Symbol('gateway.edgeCursor');
