/**
 * Character sets of HL7 v2 messages: MSH-18, table 0211 (HL7 v2.5.1 ch. 2.14.9.18). The first
 * repetition of MSH-18 is the message's default character set; MSH-18 itself is always ASCII, so
 * it can be read from the raw bytes before the message is decoded.
 */

/** The encodings the codec reads and writes. */
export type Hl7Charset = 'utf8' | 'latin1' | 'iso-8859-2' | 'iso-8859-15';

/** The caller-chosen default for messages without (or with an unknown) MSH-18. */
export type Hl7DefaultCharset = 'utf8' | 'latin1';

/**
 * Table 0211 value → encoding. `ASCII` (and an empty MSH-18) is a subset of both defaults, so it
 * takes the caller's default: a sender that declares ASCII but sends 8-bit bytes is read the
 * way the trust configured, instead of having its high bit stripped.
 */
export function charsetFromMsh18(value: string | undefined, defaultCharset: Hl7DefaultCharset = 'utf8'): Hl7Charset {
  switch ((value ?? '').trim().toUpperCase()) {
    case 'UNICODE UTF-8':
      return 'utf8';
    case '8859/1':
      return 'latin1';
    case '8859/2':
      return 'iso-8859-2';
    case '8859/15':
      return 'iso-8859-15';
    default:
      return defaultCharset;
  }
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * MSH-18 (first repetition) read from raw message bytes, or undefined. Works on the bytes
 * because MSH-1, MSH-2 and MSH-18 are ASCII whatever the message's character set.
 */
export function readMsh18(buf: Buffer): string | undefined {
  const start = buf.subarray(0, 3).equals(UTF8_BOM) ? 3 : 0;
  let end = buf.length;
  for (let i = start; i < buf.length; i++) {
    if (buf[i] === 0x0d || buf[i] === 0x0a) {
      end = i;
      break;
    }
  }
  const msh = buf.toString('latin1', start, end);
  if (!msh.startsWith('MSH') || msh.length < 4) return undefined;
  const fieldSep = msh.charAt(3);
  // parts[0] is "MSH", parts[1] is MSH-2: MSH-n is parts[n - 1] (MSH-1 is the separator itself).
  const parts = msh.split(fieldSep);
  const msh18 = parts[17];
  if (msh18 === undefined || msh18 === '') return undefined;
  const repetition = parts[1]?.charAt(1);
  return repetition ? msh18.split(repetition)[0] : msh18;
}

/** Decodes raw message bytes in the character set MSH-18 names (a leading UTF-8 BOM is dropped). */
export function decodeHl7Bytes(buf: Buffer, defaultCharset: Hl7DefaultCharset = 'utf8'): string {
  const charset = charsetFromMsh18(readMsh18(buf), defaultCharset);
  const body = charset === 'utf8' && buf.subarray(0, 3).equals(UTF8_BOM) ? buf.subarray(3) : buf;
  return decodeBytes(body, charset);
}

/** Encodes message text in the character set its own MSH-18 names (for writing to the wire). */
export function encodeHl7Text(text: string, defaultCharset: Hl7DefaultCharset = 'utf8'): Buffer {
  const charset = charsetFromMsh18(readMsh18(Buffer.from(text.slice(0, 4096), 'latin1')), defaultCharset);
  return encodeString(text, charset);
}

/** Bytes → text in one charset. `latin1` is true ISO 8859-1 (WHATWG's label would mean cp1252). */
export function decodeBytes(buf: Uint8Array, charset: Hl7Charset): string {
  if (charset === 'utf8' || charset === 'latin1') return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString(charset);
  return new TextDecoder(charset).decode(buf);
}

/**
 * Text → bytes in one charset. Characters the charset cannot hold become `?`, as HL7 gives no
 * better option on the wire; callers that must not lose them use UTF-8.
 */
export function encodeString(text: string, charset: Hl7Charset): Buffer {
  if (charset === 'utf8') return Buffer.from(text, 'utf8');
  const table = reverseTable(charset);
  const out = Buffer.alloc(text.length);
  let n = 0;
  for (const ch of text) {
    const b = table.get(ch);
    out[n++] = b ?? 0x3f;
  }
  return out.subarray(0, n);
}

const reverseTables = new Map<Hl7Charset, Map<string, number>>();

function reverseTable(charset: Exclude<Hl7Charset, 'utf8'>): Map<string, number> {
  let table = reverseTables.get(charset);
  if (!table) {
    table = new Map();
    const all = new Uint8Array(256).map((_, i) => i);
    const chars = decodeBytes(all, charset);
    for (let i = 0; i < 256; i++) table.set(chars.charAt(i), i);
    reverseTables.set(charset, table);
  }
  return table;
}
