import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Hl7Message, Hl7ParseError, normaliseHl7Text } from '../../../../../subgraphs/trust/ris/hl7/index.ts';

const fixture = (name: string): string => readFileSync(new URL(`../../../../fixtures/hl7/${name}`, import.meta.url), 'utf8');

const A01 = [
  'MSH|^~\\&|CRIS|RH8|IMGNET|RH8|20260329013000||ADT^A01^ADT_A01|MSG1|P|2.5.1',
  'PID|1||9990000018^^^NHS&2.16.840.1.113883.2.1.4.1&ISO^NH~RH8000123^^^RH8^MR||SMITH^ALICE||19800214|F||||||""',
  'PV1|1|I|WARD1||||RAD1&SMITH&ALICE^SMITH^ALICE',
  'OBX|1|TX|R||first',
  'OBX|2|TX|R||second\\F\\part',
].join('\r');

describe('Hl7Message.parse', () => {
  it('reads MSH fields with HL7 numbering (MSH-1 is the separator, MSH-2 the encoding characters)', () => {
    const m = Hl7Message.parse(A01);
    const msh = m.segment('MSH')!;
    expect(msh.field(1)!.value()).toBe('|');
    expect(msh.field(2)!.value()).toBe('^~\\&');
    expect(m.get('MSH-1')).toBe('|');
    expect(m.get('MSH-2')).toBe('^~\\&');
    expect(m.get('MSH-3')).toBe('CRIS');
    expect(m.get('MSH-9')).toBe('ADT^A01^ADT_A01');
    expect(m.type).toEqual({ code: 'ADT', event: 'A01', structure: 'ADT_A01' });
    expect(m.controlId).toBe('MSG1');
    expect(m.version).toBe('2.5.1');
    expect(m.sendingApplication).toBe('CRIS');
    expect(m.receivingApplication).toBe('IMGNET');
    expect(msh.fieldCount).toBe(12);
    expect(m.delimiters).toEqual({ field: '|', component: '^', repetition: '~', escape: '\\', subcomponent: '&' });
  });

  it('reads components, subcomponents and repetitions', () => {
    const m = Hl7Message.parse(A01);
    expect(m.get('PID-3')).toBe('9990000018^^^NHS&2.16.840.1.113883.2.1.4.1&ISO^NH');
    expect(m.get('PID-3.1')).toBe('9990000018');
    expect(m.get('PID-3.4')).toBe('NHS&2.16.840.1.113883.2.1.4.1&ISO');
    expect(m.get('PID-3.4.1')).toBe('NHS');
    expect(m.get('PID-3.4.2')).toBe('2.16.840.1.113883.2.1.4.1');
    expect(m.get('PID-3.4.3')).toBe('ISO');
    expect(m.get('PID-3[2].1')).toBe('RH8000123');
    expect(m.get('PID-3[2].5')).toBe('MR');
    expect(m.get('PID-3[3].1')).toBe('');
    expect(m.getAll('PID-3.1')).toEqual(['9990000018', 'RH8000123']);
    expect(m.getAll('PID-3.5')).toEqual(['NH', 'MR']);
    expect(m.getAll('PID-3[2].1')).toEqual(['RH8000123']);
    expect(m.get('PV1-7.1.1')).toBe('RAD1');
    expect(m.get('PV1-7.1.3')).toBe('ALICE');
    expect(m.segment('PV1')!.field(7)!.repetitions[0]!.components()).toEqual([['RAD1', 'SMITH', 'ALICE'], ['SMITH'], ['ALICE']]);
    const rep = m.segment('PID')!.field(3)!.repetitions[0]!;
    expect(rep.component(4)).toBe('NHS&2.16.840.1.113883.2.1.4.1&ISO');
    expect(rep.subcomponent(4, 2)).toBe('2.16.840.1.113883.2.1.4.1');
    expect(m.segment('PID')!.field(3)!.repetitions).toHaveLength(2);
  });

  it("answers '' for anything absent", () => {
    const m = Hl7Message.parse(A01);
    expect(m.get('PID-99')).toBe('');
    expect(m.get('ZZZ-1')).toBe('');
    expect(m.get('PID-3.9.9')).toBe('');
    expect(m.getAll('PID-4')).toEqual([]);
    expect(m.segment('PID')!.field(99)).toBeUndefined();
    expect(m.segment('PID')!.field(0)).toBeUndefined();
  });

  it('tells the HL7 null "" apart from an empty field', () => {
    const m = Hl7Message.parse(A01);
    const pid = m.segment('PID')!;
    expect(pid.field(14)!.isNull()).toBe(true);
    expect(pid.field(14)!.isEmpty()).toBe(false);
    expect(pid.field(14)!.value()).toBe('');
    expect(pid.field(14)!.raw()).toBe('""');
    expect(m.isNull('PID-14')).toBe(true);
    expect(m.get('PID-14')).toBe('');
    expect(pid.field(13)!.isNull()).toBe(false);
    expect(pid.field(13)!.isEmpty()).toBe(true);
    expect(m.isNull('PID-13')).toBe(false);
  });

  it('finds segments by name and 0-based occurrence, and by 1-based index in paths', () => {
    const m = Hl7Message.parse(A01);
    expect(m.segmentsNamed('OBX')).toHaveLength(2);
    expect(m.segment('OBX')!.get('5')).toBe('first');
    expect(m.segment('OBX', 1)!.get('5')).toBe('second|part');
    expect(m.segment('OBX', 2)).toBeUndefined();
    expect(m.get('OBX[2]-5')).toBe('second|part');
    expect(m.get('OBX-5')).toBe('first');
    expect(m.get('PID.3.1')).toBe('9990000018');
  });

  it('rejects malformed paths with an error that shows the expected form', () => {
    const m = Hl7Message.parse(A01);
    expect(() => m.get('pid-3')).toThrow(/expected e\.g\. PID-3/);
    expect(() => m.get('PID-0')).toThrow(/starts at 1/);
  });

  it('reads custom delimiters from MSH-1 and MSH-2', () => {
    const m = Hl7Message.parse(fixture('custom-delimiters-hash.hl7'));
    expect(m.delimiters.field).toBe('#');
    expect(m.get('MSH-1')).toBe('#');
    expect(m.get('MSH-10')).toBe('MSG00015');
    expect(m.get('PID-3.4.2')).toBe('2.16.840.1.113883.2.1.4.1');
    expect(m.get('PID-11.1')).toBe('1 ROAD#HASH');

    const all = Hl7Message.parse(fixture('custom-delimiters-all.hl7'));
    expect(all.delimiters).toEqual({ field: '|', component: '$', repetition: '*', escape: '!', subcomponent: '%' });
    expect(all.type).toEqual({ code: 'ADT', event: 'A08', structure: '' });
    expect(all.get('PID-3.4.2')).toBe('2.16.840.1.113883.2.1.4.1');
    expect(all.getAll('PID-3.1')).toEqual(['9990000018', 'RH8000999']);
    expect(all.get('PID-5.2')).toBe('OLIVER$');
    expect(all.get('PID-5.3')).toBe('PETER');
  });

  it('keeps a v2.7 truncation character in MSH-2', () => {
    const m = Hl7Message.parse(fixture('adt-a01-v25-truncation.hl7'));
    expect(m.delimiters.truncation).toBe('#');
    expect(m.get('MSH-2')).toBe('^~\\&#');
    expect(m.get('PID-5.1')).toBe('VAUGHAN');
  });

  it('accepts a short MSH-2 and never splits on the delimiters it leaves out', () => {
    const m = Hl7Message.parse('MSH|^~|A|B|C|D|||ADT^A01|X1|P|2.3\rPID|1||a&b\\F\\');
    expect(m.delimiters.escape).toBe('');
    expect(m.get('PID-3')).toBe('a&b\\F\\');
  });

  it('throws Hl7ParseError for a missing MSH or unusable delimiters', () => {
    const err = (text: string): Hl7ParseError => {
      try {
        Hl7Message.parse(text);
      } catch (e) {
        if (e instanceof Hl7ParseError) return e;
        throw e;
      }
      throw new Error('parsed');
    };
    expect(err('').errCode).toBe(100);
    expect(err('PID|1||x').errCode).toBe(100);
    expect(err('MSH|^^\\&|A').errCode).toBe(102);
    expect(err('MSH|^~A&|X').errCode).toBe(102);
    expect(err('MSH|^~\\&^~|X').errCode).toBe(102);
    expect(err('MSHA^~\\&').errCode).toBe(102);
    expect(err('MSH||A').location).toBe('MSH^1^2');
  });
});

describe('line endings and round trips', () => {
  it('accepts CR, LF and CRLF (mixed), drops blank and trailing lines and a BOM', () => {
    const m = Hl7Message.parse(fixture('crlf-mixed.hl7'));
    expect(m.segments.map((s) => s.name)).toEqual(['MSH', 'EVN', 'PID', 'PV1']);
    expect(m.get('PV1-2')).toBe('E');
    const withBom = Hl7Message.parse('\uFEFF' + A01 + '\r\r\n');
    expect(withBom.toString()).toBe(A01);
  });

  it('joins a line that is not a segment (a raw line break in report text) back onto its segment', () => {
    const m = Hl7Message.parse('MSH|^~\\&|A|B|C|D|||ORU^R01|1|P|2.3\rOBX|1|TX|R||line one\nline two||||||F\rNTE|1');
    expect(m.segments.map((s) => s.name)).toEqual(['MSH', 'OBX', 'NTE']);
    expect(m.get('OBX-5')).toBe('line one\nline two');
    expect(m.get('OBX-11')).toBe('F');
  });

  it('prints an unmodified message back byte for byte (against the normalised input)', () => {
    for (const name of ['adt-a01-v251.hl7', 'escapes-edge.hl7', 'custom-delimiters-all.hl7', 'crlf-mixed.hl7', 'repetitions-null.hl7', 'oru-r01-ft.hl7']) {
      const text = fixture(name);
      const m = Hl7Message.parse(text);
      expect(m.toString()).toBe(normaliseHl7Text(text));
      expect(Hl7Message.parse(m.toString()).toString()).toBe(m.toString());
    }
    expect(Hl7Message.parse(A01).toString()).toBe(A01);
    expect(normaliseHl7Text('MSH|^~\\&\r\nPID|1\nPV1\r\r')).toBe('MSH|^~\\&\rPID|1\rPV1');
  });

  it('decodes the known-hard escapes in place', () => {
    const m = Hl7Message.parse(fixture('escapes-edge.hl7'));
    expect(m.get('OBX[1]-5')).toBe('ends with escape \\');
    expect(m.get('OBX[2]-5')).toBe('back to back |^&~ done');
    expect(m.get('OBX[3]-5')).toBe('\\R\\ is not a repetition');
    expect(m.segment('OBX', 2)!.field(5)!.repetitions).toHaveLength(1);
    expect(m.get('OBX[4]-5')).toBe('path C:\\reports\\x and \\Zlocal\\ kept');
    const ft = Hl7Message.parse(fixture('oru-r01-ft.hl7'));
    expect(ft.get('OBX-5')).toBe('Liver: normal.\nGallbladder: 5mm stone| no wall thickening.\nImpression: cholelithiasis.');
    const hex = Hl7Message.parse(fixture('oru-r01-hex.hl7'));
    expect(hex.get('OBX-5')).toBe('Line one\r\nLine two\ttabbed');
  });
});
