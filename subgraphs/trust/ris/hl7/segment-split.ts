/**
 * Splitting message text into segments. The segment terminator is CR (HL7 v2.5.1 ch. 2.5.2),
 * but files, editors and some interfaces deliver LF or CRLF, even mixed within one message; all
 * three are accepted. Blank lines (and trailing ones) are not segments and are dropped. A
 * leading byte order mark is dropped.
 *
 * A line that does not start like a segment (three-character segment ID, ch. 2.5.2: an upper-case
 * letter then letters or digits, followed by the field separator or the end of the line) is not
 * a new segment: it is text a sender broke with a raw line break (typically report text in
 * OBX-5). It is joined back onto the previous segment with `\n`, so no text is lost or
 * mistaken for a segment.
 */
export function splitHl7Segments(text: string): string[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const fieldSep = body.startsWith('MSH') ? body.charAt(3) : '|';
  const segmentStart = new RegExp(`^[A-Z][A-Z0-9]{2}(?:${escapeRegExp(fieldSep)}|$)`);
  const segments: string[] = [];
  for (const line of body.split(/\r\n|\r|\n/)) {
    if (line.trim() === '') continue;
    if (segments.length > 0 && !segmentStart.test(line)) segments[segments.length - 1] += '\n' + line;
    else segments.push(line);
  }
  return segments;
}

/**
 * The text a parsed, unmodified message prints back (`Hl7Message.toString()`): its segments
 * joined with CR, no trailing terminator. Round trips are byte for byte against this.
 */
export function normaliseHl7Text(text: string): string {
  return splitHl7Segments(text).join('\r');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
