import { GraphQLError } from 'graphql';
import { ErrorCode } from '../schema/index.ts';
import type { TrustFailure } from './trust-failure.ts';

/**
 * The partial-result error (IHE XCA "XDSUnavailableCommunity" in GraphQL form): one trust's rows
 * are missing; the rest of the answer stands. The reason is short and never holds an address.
 */
export function trustUnavailable(failure: TrustFailure, path?: ReadonlyArray<string | number>): GraphQLError {
  return new GraphQLError(`Trust ${failure.trust} is unavailable: ${failure.reason}`, {
    ...(path ? { path } : {}),
    extensions: { code: ErrorCode.TRUST_UNAVAILABLE, trust: failure.trust },
  });
}
