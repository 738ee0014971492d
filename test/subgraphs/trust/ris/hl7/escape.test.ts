import { describe, expect, it } from 'vitest';
import { DEFAULT_DELIMITERS, type Delimiters } from '../../../../../subgraphs/trust/ris/hl7/delimiters.ts';
import { decodeHl7Escapes, encodeHl7Escapes } from '../../../../../subgraphs/trust/ris/hl7/escape.ts';

const d = DEFAULT_DELIMITERS;
const dec = (raw: string, charset: 'utf8' | 'latin1' = 'utf8'): string => decodeHl7Escapes(raw, d, charset);

describe('decodeHl7Escapes (HL7 v2.5.1 ch. 2.7)', () => {
  it('decodes the delimiter escapes', () => {
    expect(dec('a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f')).toBe('a|b^c&d~e\\f');
  });

  it('decodes \\E\\ at the end of a value to one escape character', () => {
    expect(dec('ends with \\E\\')).toBe('ends with \\');
    expect(dec('\\E\\')).toBe('\\');
  });

  it('decodes escapes back to back', () => {
    expect(dec('\\F\\\\S\\')).toBe('|^');
    expect(dec('\\E\\\\E\\')).toBe('\\\\');
    expect(dec('\\.br\\\\H\\x\\N\\')).toBe('\nx');
  });

  it('reads \\E\\R\\ as an escape character then the text R\\ (a literal \\R\\, not a repetition)', () => {
    // `\E\` is one sequence; what follows, `R\`, has a lone escape character with no partner.
    expect(dec('\\E\\R\\')).toBe('\\R\\');
    expect(dec('x\\E\\R\\y')).toBe('x\\R\\y');
  });

  it('decodes hex escapes in the message charset', () => {
    expect(dec('a\\X0D0A\\b')).toBe('a\r\nb');
    expect(dec('caf\\XC3A9\\', 'utf8')).toBe('café');
    expect(dec('caf\\XE9\\', 'latin1')).toBe('café');
    expect(dec('\\x41\\')).toBe('\\x41\\'); // lower-case x is not the hex escape
    expect(dec('\\X4\\')).toBe('\\X4\\'); // odd number of hex digits: malformed, kept
    expect(dec('\\XZZ\\')).toBe('\\XZZ\\');
  });

  it('turns .br into a line break, drops highlighting and layout commands', () => {
    expect(dec('one\\.br\\two')).toBe('one\ntwo');
    expect(dec('\\H\\bold\\N\\')).toBe('bold');
    expect(dec('a\\.sp 2\\b\\.in+4\\c\\.fi\\')).toBe('a\n\nbc');
  });

  it('keeps ISO 2022 switches, local and unknown escapes, and lone escape characters literally', () => {
    expect(dec('\\C2842\\x\\M2442\\')).toBe('\\C2842\\x\\M2442\\');
    expect(dec('\\Zlocal\\')).toBe('\\Zlocal\\');
    expect(dec('C:\\dir\\file')).toBe('C:\\dir\\file');
    expect(dec('\\\\S\\')).toBe('\\\\S\\');
    expect(dec('trailing \\')).toBe('trailing \\');
  });

  it('uses the message delimiters, not the defaults', () => {
    const custom: Delimiters = { field: '#', component: '$', repetition: '*', escape: '!', subcomponent: '%' };
    expect(decodeHl7Escapes('a!F!b!S!c!E!d\\F\\', custom, 'utf8')).toBe('a#b$c!d\\F\\');
  });

  it('decodes \\P\\ only when MSH-2 declares a truncation character (v2.7)', () => {
    expect(decodeHl7Escapes('a\\P\\', { ...d, truncation: '#' }, 'utf8')).toBe('a#');
    expect(dec('a\\P\\')).toBe('a\\P\\');
  });
});

describe('encodeHl7Escapes', () => {
  it('escapes the escape character first, then delimiters and line breaks', () => {
    expect(encodeHl7Escapes('a|b^c&d~e\\f\ng', d)).toBe('a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f\\.br\\g');
    expect(encodeHl7Escapes('\\R\\', d)).toBe('\\E\\R\\E\\');
  });

  it('hex-escapes control characters that would break segments or MLLP frames', () => {
    expect(encodeHl7Escapes('a\rb\x0bc\x1cd\te', d)).toBe('a\\X0D\\b\\X0B\\c\\X1C\\d\te');
  });

  it('is the inverse of decoding', () => {
    const samples = ['plain', '|^&~\\', '\\E\\R\\', 'line\r\nbreak', 'end\\', 'é ü ß 中', '""', ''];
    for (const s of samples) expect(dec(encodeHl7Escapes(s, d))).toBe(s);
    const custom: Delimiters = { field: '#', component: '$', repetition: '*', escape: '!', subcomponent: '%' };
    for (const s of [...samples, '#$*!%']) expect(decodeHl7Escapes(encodeHl7Escapes(s, custom), custom, 'utf8')).toBe(s);
  });
});
