/** HL7 v2 message types (MSH-9 message type ^ trigger event) the simulator sends. */
export type SimMessageType =
  | 'ADT^A01'
  | 'ADT^A04'
  | 'ADT^A08'
  | 'ADT^A40'
  | 'ORM^O01'
  | 'OMI^O23'
  | 'SIU^S12'
  | 'SIU^S26'
  | 'ORU^R01';

/** One message in send order. */
export interface SimMessage {
  /** When the RIS sends it: an ISO 8601 instant (UTC, `Z`). */
  at: string;
  type: SimMessageType;
  /** MSH-10 control id: derived from the event (e.g. accession + step), so a re-run resends the same ids. */
  controlId: string;
  /** The accession number the message is about, when it is about an order. */
  accessionNumber?: string;
  /** The message text, segments ended by `\r`, no MLLP framing. */
  hl7: string;
}
