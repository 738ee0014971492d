/**
 * The Part 10 writer, checked two ways: by dcmtk's `dcmdump` (an independent parser; missing it
 * fails under CI=true and skips loudly otherwise) and by walking the bytes here against PS3.10 §7
 * and PS3.5 §7.1.2. Upload to a real Orthanc is in test/integration/orthanc-pacs.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  EXPLICIT_VR_LITTLE_ENDIAN,
  IMPLEMENTATION_CLASS_UID,
  encodeDataSet,
  simInstanceFile,
  writeDicomPart10,
} from '../../simulator/dicom-part10-writer.ts';
import type { SimSeries, SimStudy } from '../../simulator/sim-study.ts';

const DCMDUMP = ['/usr/bin/dcmdump', '/usr/local/bin/dcmdump'].find((p) => existsSync(p));
if (!DCMDUMP && process.env['CI'] === 'true') throw new Error('dcmtk dcmdump is not installed (apt-get install dcmtk): the Part 10 writer cannot be checked under CI');
if (!DCMDUMP) console.warn('\n!!! SKIPPING the dcmdump checks of the Part 10 writer: dcmtk is not installed. Under CI=true they fail instead. !!!\n');

const SERIES: SimSeries = {
  seriesInstanceUid: '2.25.300491639540269290562950772908712969652',
  seriesNumber: 3,
  modality: 'CT',
  seriesDescription: 'Axial 1mm portal venous',
  bodyPartExamined: 'CHESTABDPELVIS',
  sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
  instanceCount: 271,
};

/** Synthetic patient; 9990000018 passes the Modulus 11 check (schema/nhs-number.ts). */
const STUDY: SimStudy = {
  trust: 'RXA',
  studyInstanceUid: '2.25.52562207610211950501446122299760588723',
  accessionNumber: 'RXA2604170029',
  patientId: 'RXA6578918',
  issuerOfPatientId: 'RXA',
  nhsNumber: '9990000018',
  patientName: "O'Brien^Zoë^Ann",
  patientBirthDate: '19520801',
  patientSex: 'F',
  studyDate: '20260417',
  studyTime: '140139',
  timezoneOffsetFromUtc: '+0100',
  performedAt: '2026-04-17T14:01:39+01:00',
  studyDescription: 'CT Chest abdomen pelvis with contrast',
  studyId: '2604170029',
  referringPhysicianName: 'Fitzgerald^Ciara^^^Dr',
  institutionName: 'Riverside Hospitals NHS Trust (simulated)',
  series: [SERIES],
};

/** `dcmdump` of a file: `(gggg,eeee)` → `VR value` for each line, nested items prefixed by depth. */
function dcmdump(file: Buffer): { lines: string[]; get(tag: string): string | undefined } {
  const dir = mkdtempSync(join(tmpdir(), 'part10-'));
  try {
    writeFileSync(join(dir, 'x.dcm'), file);
    // Default parse-error handling (-Ep) stops on any malformed element; stderr must stay empty.
    const out = execFileSync(DCMDUMP!, [join(dir, 'x.dcm')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = out.split('\n');
    const get = (tag: string) => {
      const line = lines.find((l) => l.startsWith(`(${tag})`));
      const m = line ? /^\(\w{4},\w{4}\) (\w\w) (\[(.*)\]|=(\S+)|(\S+))/.exec(line) : null;
      return m ? `${m[1]} ${m[3] ?? m[4] ?? m[5]}` : undefined;
    };
    return { lines, get };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface WalkedElement {
  tag: number;
  vr: string;
  value: Buffer;
}

/** Reads explicit-VR little-endian elements of one level (PS3.5 §7.1.2), items not descended. */
function walk(bytes: Buffer): WalkedElement[] {
  const long = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
  const out: WalkedElement[] = [];
  let at = 0;
  while (at < bytes.length) {
    const tag = ((bytes.readUInt16LE(at) << 16) | bytes.readUInt16LE(at + 2)) >>> 0;
    const vr = bytes.toString('latin1', at + 4, at + 6);
    const length = long.has(vr) ? bytes.readUInt32LE(at + 8) : bytes.readUInt16LE(at + 6);
    const start = at + (long.has(vr) ? 12 : 8);
    out.push({ tag, vr, value: bytes.subarray(start, start + length) });
    at = start + length;
  }
  expect(at).toBe(bytes.length);
  return out;
}

function split(file: Buffer): { meta: WalkedElement[]; dataSet: WalkedElement[] } {
  expect(file.subarray(0, 128).every((b) => b === 0)).toBe(true);
  expect(file.toString('latin1', 128, 132)).toBe('DICM');
  const groupLength = walk(file.subarray(132, 144))[0]!;
  expect(groupLength.tag).toBe(0x00020000);
  expect(groupLength.vr).toBe('UL');
  const metaEnd = 144 + groupLength.value.readUInt32LE(0);
  return { meta: walk(file.subarray(144, metaEnd)), dataSet: walk(file.subarray(metaEnd)) };
}

describe.skipIf(!DCMDUMP)('Part 10 file of a simulated instance, read by dcmtk', () => {
  it('carries the study, series, patient and instance attributes', () => {
    const dump = dcmdump(simInstanceFile(STUDY, SERIES, 7));
    expect(dump.lines).toContain('# Used TransferSyntax: Little Endian Explicit');
    const expected: Record<string, string> = {
      '0002,0002': 'UI CTImageStorage',
      '0002,0003': `UI ${SERIES.seriesInstanceUid}.7`,
      '0002,0010': 'UI LittleEndianExplicit',
      '0002,0012': `UI ${IMPLEMENTATION_CLASS_UID}`,
      '0008,0005': 'CS ISO_IR 192',
      '0008,0016': 'UI CTImageStorage',
      '0008,0018': `UI ${SERIES.seriesInstanceUid}.7`,
      '0008,0020': 'DA 20260417',
      '0008,0030': 'TM 140139',
      '0008,0050': 'SH RXA2604170029',
      '0008,0060': 'CS CT',
      '0008,0080': 'LO Riverside Hospitals NHS Trust (simulated)',
      '0008,0090': 'PN Fitzgerald^Ciara^^^Dr',
      '0008,0201': 'SH +0100',
      '0008,1030': 'LO CT Chest abdomen pelvis with contrast',
      '0008,103e': 'LO Axial 1mm portal venous',
      '0010,0010': "PN O'Brien^Zoë^Ann",
      '0010,0020': 'LO RXA6578918',
      '0010,0021': 'LO RXA',
      '0010,0030': 'DA 19520801',
      '0010,0040': 'CS F',
      '0018,0015': 'CS CHESTABDPELVIS',
      '0020,000d': `UI ${STUDY.studyInstanceUid}`,
      '0020,000e': `UI ${SERIES.seriesInstanceUid}`,
      '0020,0010': 'SH 2604170029',
      '0020,0011': 'IS 3',
      '0020,0013': 'IS 7',
    };
    for (const [tag, value] of Object.entries(expected)) expect(dump.get(tag), tag).toBe(value);
    // The NHS number as the one item of Other Patient IDs Sequence (PS3.3 C.7.1.1).
    const sq = dump.lines.findIndex((l) => l.startsWith('(0010,1002) SQ'));
    expect(sq).toBeGreaterThan(0);
    const item = dump.lines.slice(sq + 1, sq + 6).map((l) => l.trim());
    expect(item[0]).toMatch(/^\(fffe,e000\) na \(Item with explicit length #=3\)/);
    expect(item[1]).toMatch(/^\(0010,0020\) LO \[9990000018\]/);
    expect(item[2]).toMatch(/^\(0010,0021\) LO \[NHS\]/);
    expect(item[3]).toMatch(/^\(0010,0022\) CS \[TEXT\]/);
  });

  it('leaves out the Other Patient IDs Sequence when the order had no NHS number', () => {
    const dump = dcmdump(simInstanceFile({ ...STUDY, nhsNumber: null }, SERIES, 1));
    expect(dump.lines.some((l) => l.startsWith('(0010,1002)'))).toBe(false);
    expect(dump.get('0010,0020')).toBe('LO RXA6578918');
  });

  it('writes any secondary capture series dcmtk can name', () => {
    const sc = { ...SERIES, modality: 'OT', sopClassUid: '1.2.840.10008.5.1.4.1.1.7' };
    expect(dcmdump(simInstanceFile(STUDY, sc, 1)).get('0008,0016')).toBe('UI SecondaryCaptureImageStorage');
  });
});

describe('Part 10 layout (PS3.10 §7, PS3.5 §7.1.2)', () => {
  const file = simInstanceFile(STUDY, SERIES, 10);
  const { meta, dataSet } = split(file);

  it('has a meta group of group 0002 only, with version 00\\01 and Explicit VR Little Endian', () => {
    expect(meta.map((e) => e.tag)).toEqual([0x00020001, 0x00020002, 0x00020003, 0x00020010, 0x00020012, 0x00020013]);
    expect([...meta[0]!.value]).toEqual([0x00, 0x01]);
    expect(meta[3]!.value.toString('latin1').replace(/\0$/, '')).toBe(EXPLICIT_VR_LITTLE_ENDIAN);
    expect(dataSet.every((e) => e.tag >>> 16 !== 0x0002)).toBe(true);
  });

  it('writes elements in ascending tag order, each value of even length, padded by VR', () => {
    for (const level of [meta, dataSet]) {
      for (let i = 1; i < level.length; i++) expect(level[i]!.tag).toBeGreaterThan(level[i - 1]!.tag);
    }
    for (const e of [...meta, ...dataSet]) {
      expect(e.value.length % 2, `(${e.tag.toString(16)})`).toBe(0);
      const last = e.value[e.value.length - 1];
      if (e.vr === 'UI' && last !== undefined && last < 0x30) expect(last).toBe(0x00);
      if (['CS', 'DA', 'IS', 'LO', 'PN', 'SH', 'TM'].includes(e.vr) && last !== undefined && last < 0x30) expect(last).toBe(0x20);
    }
    const byTag = new Map(dataSet.map((e) => [e.tag, e]));
    // 'F' is odd: one trailing space. The SOP Instance UID `<series>.10` (47 characters) is odd:
    // one trailing NUL.
    expect(byTag.get(0x00100040)!.value.toString('latin1')).toBe('F ');
    expect(byTag.get(0x00080018)!.value.toString('latin1')).toBe(`${SERIES.seriesInstanceUid}.10\0`);
    // UTF-8 bytes, not characters, decide the padding: "O'Brien^Zoë^Ann" is 16 bytes.
    expect(byTag.get(0x00100010)!.value.toString('utf8')).toBe("O'Brien^Zoë^Ann");
  });

  it('encodes the NHS number sequence as one explicit-length item', () => {
    const sq = dataSet.find((e) => e.tag === 0x00101002)!;
    expect(sq.vr).toBe('SQ');
    expect(sq.value.readUInt16LE(0)).toBe(0xfffe);
    expect(sq.value.readUInt16LE(2)).toBe(0xe000);
    expect(sq.value.readUInt32LE(4)).toBe(sq.value.length - 8);
    const item = walk(sq.value.subarray(8));
    expect(item.map((e) => [e.tag, e.value.toString('latin1')])).toEqual([
      [0x00100020, '9990000018'],
      [0x00100021, 'NHS '],
      [0x00100022, 'TEXT'],
    ]);
  });

  it('pads any short text to an even length and keeps its bytes (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 64, unit: fc.constantFrom(...'abcXYZ09 -_().&é'.split('')) }), (text) => {
        const value = text.replace(/ +$/, '') || 'x';
        const [el] = walk(encodeDataSet([{ tag: 0x00081030, vr: 'LO', value }]));
        expect(el!.value.length % 2).toBe(0);
        expect(el!.value.toString('utf8').replace(/ $/, '')).toBe(value);
      }),
      { numRuns: 200 },
    );
  });

  it('joins multiple values with a backslash (PS3.5 §6.4)', () => {
    const [el] = walk(encodeDataSet([{ tag: 0x00080061, vr: 'CS', value: ['CT', 'PT'] }]));
    expect(el!.value.toString('latin1')).toBe('CT\\PT ');
  });

  it('refuses what it cannot write correctly', () => {
    expect(() => simInstanceFile(STUDY, { ...SERIES, seriesInstanceUid: '1.02.3' }, 1)).toThrow(/not a valid UID/);
    expect(() => simInstanceFile(STUDY, { ...SERIES, bodyPartExamined: 'CHEST ABDOMEN PELVIS' }, 1)).toThrow(/longer than 16/);
    expect(() => simInstanceFile(STUDY, SERIES, 0)).toThrow(/positive integer/);
    expect(() => encodeDataSet([{ tag: 0x00100020, vr: 'LO', value: 'A' }, { tag: 0x00100020, vr: 'LO', value: 'B' }])).toThrow(/twice/);
    expect(() => encodeDataSet([{ tag: 0x00100020, vr: 'LO', value: 'A\\B' }])).toThrow(/value separator/);
    expect(() => writeDicomPart10([{ tag: 0x00100020, vr: 'LO', value: 'A' }])).toThrow(/\(0008,0016\)/);
  });
});
