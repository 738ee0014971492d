export { networkSdl } from './network-sdl.ts';
export { toModality, isModality } from './modality.ts';

export { ErrorCode } from './error-codes.ts';
export { badUserInput } from './bad-input.ts';
export { checkNhsNumber, isValidNhsNumber, describeNhsNumberProblem } from './nhs-number.ts';
export type { NhsNumberProblem, NhsNumberResult } from './nhs-number.ts';
export { encodeStudyId, decodeStudyId, trustOfStudyId, studyIdPayload, studyIdOfPayload, payloadOfStudyId } from './study-id.ts';
export type { StudyKey } from './study-id.ts';
export { compareStudyOrder, compareTimeThenId, sortMillis } from './study-order.ts';
export type { StudySortKey } from './study-order.ts';
export { DateTimeScalar, DateScalar, parseDateTime, parseDate } from './scalars.ts';
export { isTrustCode, TRUST_CODE_PATTERN } from './trust-code.ts';
