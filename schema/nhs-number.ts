/**
 * NHS number validation (NHS Data Dictionary, "NHS Number"): 10 digits; the first nine are
 * weighted 10..2 and summed; check digit = 11 − (sum mod 11), where 11 means 0 and 10 means the
 * number is invalid. Kept as a string: leading zeros matter.
 *
 * Placeholders: every repeated-digit number (0000000000, 1111111111 … 9999999999) passes the
 * Modulus 11 check, yet RIS and PAS use them for "number not known". Accepting one would link
 * strangers across trusts, so they are refused like invalid numbers (DOMAIN.md, "Placeholder NHS
 * numbers"): BAD_USER_INPUT in queries, dropped with a warning in HL7.
 */

export type NhsNumberProblem = 'length' | 'non-digit' | 'placeholder' | 'check-digit-10' | 'check-digit';

export interface NhsNumberResult {
  /** The normalised 10-digit number, when valid. */
  value?: string;
  problem?: NhsNumberProblem;
}

const PROBLEM_TEXT: Record<NhsNumberProblem, string> = {
  length: 'an NHS number has exactly 10 digits',
  'non-digit': 'an NHS number contains only digits (spaces between groups are allowed)',
  placeholder: 'a repeated-digit number is a placeholder, not an NHS number',
  'check-digit-10': 'the Modulus 11 check gives 10, which no valid NHS number has',
  'check-digit': 'the Modulus 11 check digit does not match',
};

/** Checks an NHS number; spaces (as printed, `943 476 5919`) are allowed and removed. */
export function checkNhsNumber(input: string): NhsNumberResult {
  const compact = input.replace(/ /g, '');
  if (!/^\d*$/.test(compact)) return { problem: 'non-digit' };
  if (compact.length !== 10) return { problem: 'length' };
  if (/^(\d)\1{9}$/.test(compact)) return { problem: 'placeholder' };
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(compact[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return { problem: 'check-digit-10' };
  const expected = check === 11 ? 0 : check;
  if (expected !== Number(compact[9])) return { problem: 'check-digit' };
  return { value: compact };
}

/** True when `input` is a valid NHS number (spaces allowed). */
export function isValidNhsNumber(input: string): boolean {
  return checkNhsNumber(input).value !== undefined;
}

/** A human sentence for a problem, used in `BAD_USER_INPUT` messages and HL7 ERR segments. */
export function describeNhsNumberProblem(problem: NhsNumberProblem): string {
  return PROBLEM_TEXT[problem];
}
