import { describe, expect, it } from 'vitest';
import {
  DicomJsonError,
  parsePersonNameGroup,
  readDicomJsonArray,
  readInteger,
  readNumber,
  readPersonName,
  readString,
  readStrings,
  type DicomJsonDataset,
} from '../../../../subgraphs/trust/pacs/dicom-json.ts';

const ds = (attrs: Record<string, { vr: string; Value?: unknown[] }>): DicomJsonDataset => readDicomJsonArray([attrs])[0]!;

describe('readDicomJsonArray (PS3.18 F.2)', () => {
  it('accepts an empty array and data sets, uppercasing lowercase tags', () => {
    expect(readDicomJsonArray([])).toEqual([]);
    const [row] = readDicomJsonArray([{ '0020000d': { vr: 'UI', Value: ['1.2'] } }]);
    expect(readString(row!, '0020000D')).toBe('1.2');
  });

  it.each([
    ['an object', { a: 1 }, 'top level'],
    ['a string', 'not json', 'top level'],
    ['null', null, 'top level'],
    ['rows that are not objects', [1, 'x'], '[0]'],
    ['rows that are arrays', [[]], '[0]'],
    ['a key that is not a tag', [{ PatientName: { vr: 'PN' } }], '[0]'],
    ['an attribute that is not an object', [{ '0020000D': '1.2.3' }], '[0].0020000D'],
    ['an attribute without vr', [{ '0020000D': { Value: ['1.2'] } }], '[0].0020000D'],
    ['a Value that is not an array', [{ '0020000D': { vr: 'UI', Value: '1.2' } }], '[0].0020000D'],
  ])('throws DicomJsonError for %s', (_name, body, path) => {
    let err: unknown;
    try {
      readDicomJsonArray(body);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DicomJsonError);
    expect((err as DicomJsonError).path).toBe(path === 'top level' ? '' : path);
  });
});

describe('string readers', () => {
  it('reads the first value, trims DICOM padding, and gives null for missing, empty or absent Value', () => {
    const row = ds({
      '00080050': { vr: 'SH', Value: ['ACC1 '] },
      '00081030': { vr: 'LO' },
      '0008103E': { vr: 'LO', Value: [] },
      '00100020': { vr: 'LO', Value: ['   '] },
      '00100021': { vr: 'LO', Value: [null] },
    });
    expect(readString(row, '00080050')).toBe('ACC1');
    expect(readString(row, '00081030')).toBeNull();
    expect(readString(row, '0008103E')).toBeNull();
    expect(readString(row, '00100020')).toBeNull();
    expect(readString(row, '00100021')).toBeNull();
    expect(readString(row, '00180015')).toBeNull();
  });

  it('reads multi-valued attributes in order, skipping empty values', () => {
    const row = ds({ '00080061': { vr: 'CS', Value: ['CT', null, 'MR', ''] } });
    expect(readStrings(row, '00080061')).toEqual(['CT', 'MR']);
    expect(readStrings(row, '00080060')).toEqual([]);
  });

  it('throws on an object where a string belongs', () => {
    const row = ds({ '00080050': { vr: 'SH', Value: [{ a: 1 }] } });
    expect(() => readString(row, '00080050')).toThrow(DicomJsonError);
    expect(() => readString(row, '00080050')).toThrow('(0008,0050)');
  });
});

describe('IS / DS readers (PS3.18 F.2.3: numbers, but strings happen)', () => {
  it.each([
    [[12], 12],
    [['12'], 12],
    [[' 12 '], 12],
    [['+3'], 3],
    [['1.5e2'], 150],
    [['-0.25'], -0.25],
    [[], null],
    [[null], null],
    [['abc'], null],
    [[''], null],
  ])('readNumber(%j) → %j', (Value, want) => {
    expect(readNumber(ds({ '00201208': { vr: 'IS', Value } }), '00201208')).toBe(want);
  });

  it('readInteger rejects non-integers', () => {
    expect(readInteger(ds({ '00201208': { vr: 'IS', Value: ['7'] } }), '00201208')).toBe(7);
    expect(readInteger(ds({ '00201208': { vr: 'DS', Value: [7.5] } }), '00201208')).toBeNull();
  });

  it('throws on an object or boolean number', () => {
    expect(() => readNumber(ds({ '00201208': { vr: 'IS', Value: [true] } }), '00201208')).toThrow(DicomJsonError);
    expect(() => readNumber(ds({ '00201208': { vr: 'IS', Value: [{}] } }), '00201208')).toThrow(DicomJsonError);
  });
});

describe('person names (PS3.5 6.2.1, PS3.18 F.2.2)', () => {
  it('splits family^given^middle^prefix^suffix', () => {
    expect(parsePersonNameGroup("O'BRIEN^Zoë^Ann^Dr^OBE")).toEqual({ family: "O'BRIEN", given: 'Zoë', middle: 'Ann', prefix: 'Dr', suffix: 'OBE' });
    expect(parsePersonNameGroup('SMITH')).toEqual({ family: 'SMITH', given: null, middle: null, prefix: null, suffix: null });
    expect(parsePersonNameGroup('^JOHN')).toEqual({ family: null, given: 'JOHN', middle: null, prefix: null, suffix: null });
    expect(parsePersonNameGroup('^^^^')).toBeNull();
  });

  it('reads the three groups of the object form', () => {
    const row = ds({ '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Yamada^Tarou', Ideographic: '山田^太郎', Phonetic: 'やまだ^たろう' }] } });
    expect(readPersonName(row, '00100010')).toEqual({
      alphabetic: { family: 'Yamada', given: 'Tarou', middle: null, prefix: null, suffix: null },
      ideographic: { family: '山田', given: '太郎', middle: null, prefix: null, suffix: null },
      phonetic: { family: 'やまだ', given: 'たろう', middle: null, prefix: null, suffix: null },
    });
  });

  it('reads only the groups present, and the string form some servers send', () => {
    const row = ds({
      '00100010': { vr: 'PN', Value: [{ Ideographic: '山田^太郎' }] },
      '00080090': { vr: 'PN', Value: ['DOE^JANE=^'] },
    });
    expect(readPersonName(row, '00100010')?.alphabetic).toBeNull();
    expect(readPersonName(row, '00100010')?.ideographic?.family).toBe('山田');
    expect(readPersonName(row, '00080090')).toEqual({
      alphabetic: { family: 'DOE', given: 'JANE', middle: null, prefix: null, suffix: null },
      ideographic: null,
      phonetic: null,
    });
  });

  it('gives null for a missing, empty or all-empty name', () => {
    expect(readPersonName(ds({ '00100010': { vr: 'PN' } }), '00100010')).toBeNull();
    expect(readPersonName(ds({ '00100010': { vr: 'PN', Value: [{}] } }), '00100010')).toBeNull();
    expect(readPersonName(ds({ '00100010': { vr: 'PN', Value: [{ Alphabetic: '^' }] } }), '00100010')).toBeNull();
  });

  it('throws on a PN that is neither object nor string, or a group that is not a string', () => {
    expect(() => readPersonName(ds({ '00100010': { vr: 'PN', Value: [42] } }), '00100010')).toThrow(DicomJsonError);
    expect(() => readPersonName(ds({ '00100010': { vr: 'PN', Value: [{ Alphabetic: ['DOE'] }] } }), '00100010')).toThrow(DicomJsonError);
  });
});
