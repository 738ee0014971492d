import { ErrorCode } from '../../../schema/error-codes.ts';

/**
 * Why the PACS could not answer. Short, stable strings: resolvers put them in client-visible
 * messages, so they never hold URLs, credentials or patient data.
 * - `unreachable`: connection refused, reset, DNS failure;
 * - `timeout`: no complete answer within `timeoutMs`;
 * - `unauthorized`: 401 or 403 (wrong or missing credentials);
 * - `bad-request`: 400, the PACS refused a query value (PS3.18 8.3.4: invalid value → 400);
 * - `http-status`: any other non-2xx status;
 * - `not-json`: a 2xx body that does not parse as JSON;
 * - `not-dicom-json`: JSON that is not an array of DICOM JSON data sets (PS3.18 F.2).
 */
export type PacsFailureReason =
  | 'unreachable'
  | 'timeout'
  | 'unauthorized'
  | 'bad-request'
  | 'http-status'
  | 'not-json'
  | 'not-dicom-json';

/** The trust's PACS failed; GraphQL reports it as `PACS_UNAVAILABLE` and keeps the RIS data. */
export class PacsUnavailableError extends Error {
  override readonly name = 'PacsUnavailableError';
  readonly code = ErrorCode.PACS_UNAVAILABLE;
  readonly reason: PacsFailureReason;
  /** The HTTP status, when the PACS answered with one. */
  readonly status: number | undefined;

  constructor(reason: PacsFailureReason, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.reason = reason;
    this.status = options.status;
  }
}
