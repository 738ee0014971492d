/**
 * Text from outside (HL7 fields a sender chose, decoded from `\X..\` escapes, HL7 v2.5.1 ch.
 * 2.7.5) made safe for an operator's terminal: C0 and C1 control characters (ESC sequences,
 * carriage returns and newlines that forge lines, tabs that shift columns), DEL, and Unicode
 * bidirectional overrides (which reorder what is shown) are written as visible escapes, and
 * a backslash as `\\`, so the escaped text reads back unambiguously.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\\]/g;

export function escapeForTerminal(text: string): string {
  return text.replace(UNSAFE, (ch) => {
    if (ch === '\\') return '\\\\';
    const code = ch.codePointAt(0)!;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
