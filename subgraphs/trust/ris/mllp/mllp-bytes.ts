/**
 * MLLP block characters (HL7 Minimal Lower Layer Protocol, release 2, HL7 v2.5.1 Implementation
 * Guide C.4.2): a frame is `<SB> message <EB><CR>`.
 */
/** Start block, vertical tab. */
export const MLLP_START = 0x0b;
/** End block, file separator. */
export const MLLP_END = 0x1c;
/** Carriage return that follows the end block. */
export const MLLP_CR = 0x0d;

/** Wraps a payload in one MLLP frame, as a single buffer (so it goes out in one write). */
export function frameMllp(payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(payload.length + 3);
  out[0] = MLLP_START;
  payload.copy(out, 1);
  out[payload.length + 1] = MLLP_END;
  out[payload.length + 2] = MLLP_CR;
  return out;
}
