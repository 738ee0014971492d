import { describe, expect, it } from 'vitest';
import { charsetFromMsh18, decodeHl7Bytes, encodeHl7Text, Hl7Message, readMsh18 } from '../../../../../subgraphs/trust/ris/hl7/index.ts';

const msh = (msh18: string): string => `MSH|^~\\&|PAS|RH8|CRIS|RH8|20260306084000||ADT^A08|M1|P|2.4|||||GBR|${msh18}\r`;

describe('MSH-18 character sets (table 0211)', () => {
  it('maps table 0211 names to encodings, with the caller default for ASCII or none', () => {
    expect(charsetFromMsh18('UNICODE UTF-8')).toBe('utf8');
    expect(charsetFromMsh18('8859/1')).toBe('latin1');
    expect(charsetFromMsh18('8859/15')).toBe('iso-8859-15');
    expect(charsetFromMsh18('ASCII', 'latin1')).toBe('latin1');
    expect(charsetFromMsh18(undefined)).toBe('utf8');
    expect(charsetFromMsh18('', 'latin1')).toBe('latin1');
  });

  it('reads MSH-18 from the raw bytes (first repetition)', () => {
    expect(readMsh18(Buffer.from(msh('8859/1~UNICODE UTF-8') + 'PID|1'))).toBe('8859/1');
    expect(readMsh18(Buffer.from('MSH#^~\\&#A#B#C#D#####P#2.5######UNICODE UTF-8\r'))).toBe('UNICODE UTF-8');
    expect(readMsh18(Buffer.from('PID|1'))).toBeUndefined();
    expect(readMsh18(Buffer.from('MSH|^~\\&|A\r'))).toBeUndefined();
  });

  it('decodes 8859/1 bytes as latin1 (é is the single byte 0xE9)', () => {
    const bytes = Buffer.concat([Buffer.from(msh('8859/1') + 'PID|1||9990000042^^^NHS^NH||BOWEN^REN', 'latin1'), Buffer.from([0xe9])]);
    const text = decodeHl7Bytes(bytes);
    expect(Hl7Message.parse(text).get('PID-5.2')).toBe('RENé');
    // The same byte read as UTF-8 would be a replacement character: MSH-18 is what saves it.
    expect(decodeHl7Bytes(Buffer.concat([Buffer.from('MSH|^~\\&|A\rPID|1||x||B^REN'), Buffer.from([0xe9])]))).toContain('\uFFFD');
  });

  it('decodes UTF-8 (declared or by default), drops a UTF-8 BOM, and honours a latin1 default', () => {
    const utf8 = Buffer.from(msh('UNICODE UTF-8') + 'PID|1||x||BOWEN^RENÉE', 'utf8');
    expect(Hl7Message.parse(decodeHl7Bytes(utf8)).get('PID-5.2')).toBe('RENÉE');
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('MSH|^~\\&|A|B\rPID|1||x||Z^É', 'utf8')]);
    const text = decodeHl7Bytes(bom);
    expect(text.startsWith('MSH')).toBe(true);
    expect(Hl7Message.parse(text).get('PID-5.2')).toBe('É');
    const undeclared = Buffer.from('MSH|^~\\&|A\rPID|1||x||Z^\xe9', 'latin1');
    expect(Hl7Message.parse(decodeHl7Bytes(undeclared, 'latin1')).get('PID-5.2')).toBe('é');
  });

  it('decodes hex escapes in the charset of the message', () => {
    expect(Hl7Message.parse(msh('8859/1') + 'NTE|1||caf\\XE9\\').get('NTE-3')).toBe('café');
    expect(Hl7Message.parse(msh('UNICODE UTF-8') + 'NTE|1||caf\\XC3A9\\').get('NTE-3')).toBe('café');
    expect(Hl7Message.parse('MSH|^~\\&|A\rNTE|1||caf\\XE9\\', { defaultCharset: 'latin1' }).get('NTE-3')).toBe('café');
  });

  it('encodes text in the charset its MSH-18 names', () => {
    const latin = encodeHl7Text(msh('8859/1') + 'PID|1||x||Z^é');
    expect(latin[latin.length - 1]).toBe(0xe9);
    const utf8 = encodeHl7Text(msh('UNICODE UTF-8') + 'PID|1||x||Z^é');
    expect([...utf8.subarray(-2)]).toEqual([0xc3, 0xa9]);
    expect(encodeHl7Text(msh('8859/1') + '中').at(-1)).toBe(0x3f);
  });
});
