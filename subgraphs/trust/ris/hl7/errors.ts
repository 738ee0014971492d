/**
 * The one error the codec throws for a message it cannot read. `errCode` is an HL7 table 0357
 * "Message error condition" code, so a caller can put it straight into ERR-3 of the AR/AE ACK
 * (HL7 v2.5.1 ch. 2.15.5, ERR segment).
 */

/** Table 0357 codes the codec itself can detect. */
export type Hl7ParseErrorCode = 100 | 101 | 102 | 200 | 201 | 207;

export class Hl7ParseError extends Error {
  override readonly name = 'Hl7ParseError';
  /** HL7 table 0357 code: 100 segment sequence, 101 required field missing, 102 data type… */
  readonly errCode: Hl7ParseErrorCode;
  /** ERR-2 style location, components joined with `^` (e.g. `MSH^1^2`), when known. */
  readonly location?: string;

  constructor(message: string, errCode: Hl7ParseErrorCode, location?: string) {
    super(message);
    this.errCode = errCode;
    if (location !== undefined) this.location = location;
  }
}
