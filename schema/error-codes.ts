/**
 * Every `extensions.code` the network's GraphQL servers return. One place, one spelling: clients
 * switch on these strings (Apollo Server keeps its codes the same way).
 */
export const ErrorCode = {
  /** An argument or input value is invalid (bad NHS number, cursor, page size…). */
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  /** The trust's PACS is down, slow past its timeout, or answered something that is not DICOM JSON. */
  PACS_UNAVAILABLE: 'PACS_UNAVAILABLE',
  /**
   * The trust's study index has not yet read its PACS down to the time range of this answer (the
   * back-fill is running): the data returned is real but older studies may be missing.
   */
  INDEX_INCOMPLETE: 'INDEX_INCOMPLETE',
  /** The trust's store could not be read. */
  STORE_UNAVAILABLE: 'STORE_UNAVAILABLE',
  /** A trust failed, was late, or its circuit is open; `extensions.trust` names it. */
  TRUST_UNAVAILABLE: 'TRUST_UNAVAILABLE',
  /** No or invalid credentials. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** The caller's role may not read this field. */
  FORBIDDEN: 'FORBIDDEN',
  /** A query is refused by a limit (depth, aliases, cost, batch size, body size). */
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  /** Another radiologist holds a live claim on the study; `extensions.claimedBy` names them. */
  ALREADY_CLAIMED: 'ALREADY_CLAIMED',
  /** The caller holds no live claim on the study (never claimed, released, or expired). */
  NOT_CLAIMED: 'NOT_CLAIMED',
  /** The owning trust cannot write reports back to its RIS (no `mllp.outbound` configured). */
  WRITE_BACK_NOT_CONFIGURED: 'WRITE_BACK_NOT_CONFIGURED',
  /** Anything else; details are logged, never sent. */
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
