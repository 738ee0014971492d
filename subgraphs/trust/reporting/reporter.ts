import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../../schema/index.ts';
import type { CallerIdentity } from '../../../platform/request-signature.ts';
import type { ReporterIdentity } from '../store/reporting-model.ts';

/** The GMC number: 7 digits (General Medical Council reference number). */
const GMC = /^\d{7}$/;

/**
 * The reporter a request acts as: the identity the gateway signed (the token's `sub`,
 * `given_name`, `family_name`, `gmc`, `trust`). Without a caller (a trust running unsigned,
 * loopback development only) a local reporter stands in.
 */
export function reporterOf(caller: CallerIdentity | undefined): ReporterIdentity {
  if (!caller) return { sub: 'local-unauthenticated', given: null, family: null, gmc: null, trust: null };
  return {
    sub: caller.sub,
    given: caller.givenName ?? null,
    family: caller.familyName ?? null,
    gmc: caller.gmc !== undefined && GMC.test(caller.gmc) ? caller.gmc : null,
    trust: caller.trust ?? null,
  };
}

/** `GIVEN FAMILY`, or the subject when the token carries no name. */
export function reporterName(r: ReporterIdentity): string {
  const name = [r.given, r.family].filter((s) => s).join(' ');
  return name || r.sub;
}

/**
 * A report is signed by a GMC-registered reporter (OBR-32 carries the GMC number): a token
 * without a valid `gmc` claim may claim studies but not submit reports.
 */
export function requireGmc(r: ReporterIdentity): asserts r is ReporterIdentity & { gmc: string } {
  if (r.gmc === null) {
    throw new GraphQLError('Forbidden: submitting a report needs a 7-digit GMC number in the token (claim `gmc`)', {
      extensions: { code: ErrorCode.FORBIDDEN },
    });
  }
}

/** The `Reporter` object of the schema. */
export function reporterObject(r: ReporterIdentity) {
  return {
    id: r.sub,
    name: reporterName(r),
    gmcNumber: r.gmc,
    trust: r.trust ? { code: r.trust } : null,
  };
}
