/**
 * A message that was read but cannot be applied. `errCode` is an HL7 table 0357 code for ERR-3
 * (HL7 v2.5.1 ch. 2.15.5): 101 required field missing, 102 data type error, 103 table value not
 * found, 200 unsupported message type, 201 unsupported event code, 207 application internal
 * error. `ackCode` follows ch. 2.9.2: AR for what the receiver will never accept (an unsupported
 * type or event), AE for a message whose content is wrong.
 */
export class ApplyError extends Error {
  override readonly name = 'ApplyError';
  readonly errCode: 100 | 101 | 102 | 103 | 200 | 201 | 204 | 207;
  readonly ackCode: 'AE' | 'AR';
  /** Segment-field location, e.g. `OBR-18` or `PID-3`. */
  readonly location: string | null;

  constructor(message: string, errCode: ApplyError['errCode'], location: string | null, ackCode: 'AE' | 'AR' = 'AE') {
    super(message);
    this.errCode = errCode;
    this.location = location;
    this.ackCode = ackCode;
  }
}

/** A problem that does not stop the message: AA with an ERR segment of severity W (table 0516). */
export interface Hl7Warning {
  code: number;
  location: string;
  text: string;
}
