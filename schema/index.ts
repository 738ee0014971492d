import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The network contract as Federation 2 SDL: what every trust subgraph implements. */
export const networkSdl: string = readFileSync(
  fileURLToPath(new URL('./network.graphql', import.meta.url)),
  'utf8',
);

export { ErrorCode } from './error-codes.ts';
export { badUserInput } from './bad-input.ts';
export { checkNhsNumber, isValidNhsNumber, describeNhsNumberProblem } from './nhs-number.ts';
export type { NhsNumberProblem, NhsNumberResult } from './nhs-number.ts';
export { encodeStudyId, decodeStudyId, trustOfStudyId } from './study-id.ts';
export type { StudyKey } from './study-id.ts';
export { compareStudyOrder, sortMillis } from './study-order.ts';
export type { StudySortKey } from './study-order.ts';
export { DateTimeScalar, DateScalar, parseDateTime, parseDate } from './scalars.ts';
export { isTrustCode, TRUST_CODE_PATTERN } from './trust-code.ts';
