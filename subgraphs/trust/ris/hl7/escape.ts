import type { Delimiters } from './delimiters.ts';
import { decodeBytes, type Hl7Charset } from './charset.ts';

/**
 * Escape sequences in text data, HL7 v2.5.1 ch. 2.7 (2.7.1–2.7.6).
 *
 * An escape sequence is the escape character, an identifier, and the escape character again.
 * Decoding scans left to right and consumes whole sequences, so:
 *  - `\E\` at the end of a value is a literal escape character;
 *  - back-to-back sequences (`\F\\S\`) are two sequences (`|^`);
 *  - `\E\R\` is `\E\` (→ `\`) followed by the text `R\`, whose lone trailing escape character has
 *    no closing partner and stays literal: the value is `\R\`, NOT a repetition separator.
 *
 * What each identifier becomes (decoded values are plain text for the application):
 *  - `F S T R E` → field, component, subcomponent, repetition separator, escape character (2.7.1);
 *  - `P` → the v2.7 truncation character, when MSH-2 declares one;
 *  - `Xhh…` → those bytes decoded in the message's character set (2.7.3); odd length or non-hex
 *    is malformed and kept literally;
 *  - `.br` → `\n`; `.sp[n]` → n (default 1) line breaks; other formatting commands of FT
 *    (`.fi .nf .in .ti .sk .ce`, 2.7.6) only affect layout and are dropped;
 *  - `H`, `N` (highlight on/off, 2.7.2) are dropped;
 *  - `Cxxyy`, `Mxxyyzz` (ISO 2022 character set switches, 2.7.4–2.7.5) are KEPT literally: the
 *    codec does not implement code switching, and dropping them would silently change the text;
 *  - anything else (`Zxxx` local escapes, a stray `\` in `C:\dir\file`, an empty `\\`) is kept
 *    literally, so nothing a sender wrote is lost.
 */
export function decodeHl7Escapes(raw: string, d: Delimiters, charset: Hl7Charset): string {
  const esc = d.escape;
  if (esc === '' || !raw.includes(esc)) return raw;
  let out = '';
  let i = 0;
  while (i < raw.length) {
    const start = raw.indexOf(esc, i);
    if (start === -1) {
      out += raw.slice(i);
      break;
    }
    out += raw.slice(i, start);
    const end = raw.indexOf(esc, start + 1);
    if (end === -1) {
      // A lone escape character with no closing partner is literal text.
      out += raw.slice(start);
      break;
    }
    const id = raw.slice(start + 1, end);
    const decoded = decodeSequence(id, d, charset);
    out += decoded ?? raw.slice(start, end + 1);
    i = end + 1;
  }
  return out;
}

/** The text an escape identifier stands for, or undefined to keep the sequence literally. */
function decodeSequence(id: string, d: Delimiters, charset: Hl7Charset): string | undefined {
  switch (id) {
    case 'F':
      return d.field;
    case 'S':
      return d.component;
    case 'T':
      return d.subcomponent;
    case 'R':
      return d.repetition;
    case 'E':
      return d.escape;
    case 'P':
      return d.truncation;
    case 'H':
    case 'N':
      return '';
    case '.br':
      return '\n';
    case '.fi':
    case '.nf':
    case '.ce':
      return '';
  }
  if (/^X(?:[0-9A-Fa-f]{2})+$/.test(id)) return decodeBytes(Buffer.from(id.slice(1), 'hex'), charset);
  const sp = /^\.sp ?(\d*)$/.exec(id);
  if (sp) return '\n'.repeat(Math.min(sp[1] ? Number(sp[1]) : 1, 100));
  if (/^\.(?:in|ti|sk) ?[+-]?\d*$/.test(id)) return '';
  return undefined;
}

/**
 * Escapes plain text for one leaf (subcomponent) of a message, the inverse of
 * `decodeHl7Escapes` (ch. 2.7): the escape character first (`\E\`), then every delimiter, then
 * `\n` as `\.br\` (2.7.6). Other C0 control characters, which would break segments (CR, 2.5.2) or
 * MLLP frames (0x0B, 0x1C), are written as `\Xhh\` (2.7.3). Tab stays as is.
 */
export function encodeHl7Escapes(text: string, d: Delimiters): string {
  let out = '';
  for (const ch of text) {
    if (ch === d.escape) out += seq(d, 'E');
    else if (ch === d.field) out += seq(d, 'F');
    else if (ch === d.component) out += seq(d, 'S');
    else if (ch === d.subcomponent) out += seq(d, 'T');
    else if (ch === d.repetition) out += seq(d, 'R');
    else if (d.truncation !== undefined && ch === d.truncation) out += seq(d, 'P');
    else if (ch === '\n') out += seq(d, '.br');
    else if (ch !== '\t' && ch.charCodeAt(0) < 0x20) out += seq(d, 'X' + ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
    else out += ch;
  }
  return out;
}

function seq(d: Delimiters, id: string): string {
  if (d.escape === '') throw new Error(`cannot escape "${id}": MSH-2 declares no escape character`);
  return d.escape + id + d.escape;
}
