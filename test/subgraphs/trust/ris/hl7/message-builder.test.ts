import { describe, expect, it } from 'vitest';
import { Hl7Message, Hl7MessageBuilder, repeated } from '../../../../../subgraphs/trust/ris/hl7/index.ts';

describe('Hl7MessageBuilder', () => {
  it('writes MSH-1/MSH-2 itself and escapes values', () => {
    const text = new Hl7MessageBuilder()
      .segment('MSH', [null, null, 'IMGNET', 'RH8', 'CRIS', 'RH8', '20260301120000+0000', null, ['ORU', 'R01', 'ORU_R01'], 'OUT1', 'P', '2.5.1'])
      .segment('OBX', ['1', 'FT', ['REPORT', 'Report'], null, 'Line 1 | pipe ^ caret & amp ~ tilde \\ slash\nLine 2', null, null, null, null, null, 'F'])
      .toString();
    expect(text.startsWith('MSH|^~\\&|IMGNET|RH8|CRIS|RH8|20260301120000+0000||ORU^R01^ORU_R01|OUT1|P|2.5.1\r')).toBe(true);
    expect(text).toContain('OBX|1|FT|REPORT^Report||Line 1 \\F\\ pipe \\S\\ caret \\T\\ amp \\R\\ tilde \\E\\ slash\\.br\\Line 2||||||F\r');
    expect(text.endsWith('\r')).toBe(true);
    const m = Hl7Message.parse(text);
    expect(m.get('OBX-5')).toBe('Line 1 | pipe ^ caret & amp ~ tilde \\ slash\nLine 2');
    expect(m.type).toEqual({ code: 'ORU', event: 'R01', structure: 'ORU_R01' });
  });

  it('builds subcomponents, repetitions and the HL7 null', () => {
    const text = new Hl7MessageBuilder()
      .segment('MSH', [null, null, 'A'])
      .segment('PID', ['1', null, repeated([['9990000018'], [''], [''], ['NHS', '2.16.840.1.113883.2.1.4.1', 'ISO'], ['NH']], ['RH8000123', '', '', 'RH8', 'MR']), null, ['SMITH', 'ALICE'], null, '""'])
      .toString();
    expect(text).toBe('MSH|^~\\&|A\rPID|1||9990000018^^^NHS&2.16.840.1.113883.2.1.4.1&ISO^NH~RH8000123^^^RH8^MR||SMITH^ALICE||""\r');
    const m = Hl7Message.parse(text);
    expect(m.isNull('PID-7')).toBe(true);
    expect(m.getAll('PID-3.4.1')).toEqual(['NHS', 'RH8']);
  });

  it('uses custom delimiters, and parse(build(x)) gives x back', () => {
    const values = ['a#b', 'c$d', 'e*f', 'g!h', 'i%j', 'line\r\nbreak', '\\E\\R\\'];
    const text = new Hl7MessageBuilder({ field: '#', component: '$', repetition: '*', escape: '!', subcomponent: '%' })
      .segment('MSH', [null, null, 'A'])
      .segment('NTE', values)
      .toString();
    expect(text.startsWith('MSH#$*!%#A\r')).toBe(true);
    const m = Hl7Message.parse(text);
    values.forEach((v, i) => expect(m.get(`NTE-${i + 1}`)).toBe(v));
  });

  it('explains its contract when misused', () => {
    expect(() => new Hl7MessageBuilder().segment('MSH', ['IMGNET'])).toThrow(/MSH-1 is written by the builder.*MSH-3 goes at fields\[2\]/);
    expect(() => new Hl7MessageBuilder().segment('pid', [])).toThrow(/segment ID/);
  });
});
