/**
 * ODS codes (NHS Organisation Data Service): a trust is 3 characters starting with `R`
 * (e.g. `RH8`); a site is the trust code plus 2 characters (e.g. `RH802`).
 */
export const TRUST_CODE_PATTERN = /^R[A-Z0-9]{2}$/;

export function isTrustCode(code: string): boolean {
  return TRUST_CODE_PATTERN.test(code);
}
