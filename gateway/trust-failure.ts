/**
 * Why a call to a trust produced no usable answer. The `reason` is short and client-safe: it
 * never holds the trust's URL, host or a stack (those go to the warn log only).
 */
export type TrustFailureKind =
  | 'refused'
  | 'reset'
  | 'timeout'
  | 'network'
  | 'http-status'
  | 'invalid-json'
  | 'graphql-errors'
  | 'circuit-open'
  | 'down'
  | 'incompatible';

const REASONS: Record<TrustFailureKind, string> = {
  refused: 'connection refused',
  reset: 'connection reset',
  timeout: 'no answer within the deadline',
  network: 'network error',
  'http-status': 'HTTP error',
  'invalid-json': 'answer is not valid JSON',
  'graphql-errors': 'answered with errors',
  'circuit-open': 'circuit open after repeated failures',
  down: 'trust is down',
  incompatible: 'schema incompatible with the network contract',
};

export class TrustFailure extends Error {
  override name = 'TrustFailure';

  constructor(
    readonly trust: string,
    readonly kind: TrustFailureKind,
    /** Extra client-safe detail, e.g. `503` or an error code. */
    readonly detail?: string,
    options?: { cause?: unknown },
  ) {
    super(detail ? `${REASONS[kind]} (${detail})` : REASONS[kind], options);
  }

  /** The short, client-safe reason. */
  get reason(): string {
    return this.message;
  }
}
