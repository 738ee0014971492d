/**
 * Differential test against an independent, maintained parser: @medplum/core@4 `Hl7Message.parse`
 * over the corpus in test/fixtures/hl7 (ADT A01/A08/A40, ORM O01, OMI O23 with IPC, ORU R01 TX and
 * FT, SIU S12; versions 2.3, 2.3.1, 2.4, 2.5.1, 2.7; escapes, subcomponents, repetitions, custom
 * delimiters, mixed line endings).
 *
 * Known, documented differences (medplum is the one that is off, or merely different):
 *  1. medplum does not decode escape sequences (ch. 2.7): its values are the raw text. Wherever a
 *     raw component holds the escape character, this test asserts OUR decoded value against the
 *     expected text written out below, instead of comparing with medplum.
 *  2. medplum's subcomponent index is 0-based (`getComponent(4, 1)` is the SECOND subcomponent);
 *     ours is 1-based, as in HL7 (`PID-3.4.2`). The comparison shifts by one.
 *  3. medplum's `fields` array holds the segment name at 0 and, for MSH, starts at MSH-2; our
 *     `fieldCount` counts HL7 fields (MSH-1 included).
 *  4. medplum turns the terminator after the last segment into an empty segment named ''; a
 *     terminator ends a segment (ch. 2.5.2), so we have no such segment. Those are filtered out.
 *  5. The HL7 null `""` (ch. 2.5.3, "delete this value") is medplum's literal text `""`; ours
 *     reads as '' with isNull() true, so the application cannot mistake it for a name or code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Hl7Message as MedplumMessage } from '@medplum/core';
import { describe, expect, it } from 'vitest';
import { Hl7Message } from '../../../../../subgraphs/trust/ris/hl7/index.ts';

const dir = new URL('../../../../fixtures/hl7/', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.hl7'))
  .sort();

/** Decoded values where the raw text has escapes: `file segment[index]-field[rep].component`. */
const DECODED: Record<string, string> = {
  'adt-a08-v24.hl7 PID[2]-11[1].1': 'FLAT 2&3 MARKET ST',
  'custom-delimiters-all.hl7 PID[1]-5[1].2': 'OLIVER$',
  'custom-delimiters-hash.hl7 PID[1]-11[1].1': '1 ROAD#HASH',
  'escapes-edge.hl7 OBX[3]-5[1].1': 'ends with escape \\',
  'escapes-edge.hl7 OBX[4]-5[1].1': 'back to back |^&~ done',
  'escapes-edge.hl7 OBX[5]-5[1].1': '\\R\\ is not a repetition',
  'escapes-edge.hl7 OBX[6]-5[1].1': 'path C:\\reports\\x and \\Zlocal\\ kept',
  'omi-o23-two-ipc.hl7 OBR[4]-4[1].2': 'CT abdomen & pelvis',
  'orm-o01-v24-priority.hl7 OBR[3]-13[1].1': 'Fall & head injury',
  'oru-r01-corrected.hl7 OBX[3]-5[1].1': 'Corrected: left kidney 10cm (was 1^0cm).',
  'oru-r01-ft.hl7 OBX[3]-5[1].1': 'Liver: normal.\nGallbladder: 5mm stone| no wall thickening.\nImpression: cholelithiasis.',
  'oru-r01-hex.hl7 OBX[3]-5[1].1': 'Line one\r\nLine two\ttabbed',
  'oru-r01-tx.hl7 OBX[4]-5[1].1': 'No acute abnormality \\ no change.',
};

describe('codec vs @medplum/core Hl7Message.parse', () => {
  it('has a corpus of at least 20 messages', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  const escapedSeen = new Set<string>();

  it.each(files)('%s: same segments, field counts and component values', (file) => {
    const text = readFileSync(new URL(file, dir), 'utf8');
    const ours = Hl7Message.parse(text);
    const parsed = MedplumMessage.parse(text);
    const theirs = { segments: parsed.segments.filter((s) => !(s.name === '' && s.fields.length === 1)) };
    expect(theirs.segments.length).toBeGreaterThan(1);
    expect(ours.segments.map((s) => s.name)).toEqual(theirs.segments.map((s) => s.name));
    let compared = 0;
    ours.segments.forEach((seg, si) => {
      const mseg = theirs.segments[si]!;
      expect(seg.fieldCount, `${file} ${seg.name} field count`).toBe(mseg.fields.length - (seg.name === 'MSH' ? 0 : 1));
      for (let n = seg.name === 'MSH' ? 3 : 1; n <= seg.fieldCount; n++) {
        const field = seg.field(n)!;
        field.repetitions.forEach((rep, r) => {
          rep.rawComponents().forEach((subs, c) => {
            const where = `${file} ${seg.name}[${si}]-${n}[${r + 1}].${c + 1}`;
            const raw = mseg.getComponent(n, c + 1, undefined, r);
            expect(subs.join(ours.delimiters.subcomponent), where).toBe(raw);
            if (raw === '""') {
              expect(rep.component(c + 1), where).toBe('');
              expect(rep.isNull(c + 1), where).toBe(true);
            } else if (raw.includes(ours.delimiters.escape)) {
              expect(DECODED[where], `${where} needs an expected decoded value`).toBeDefined();
              expect(rep.component(c + 1), where).toBe(DECODED[where]);
              escapedSeen.add(where);
            } else {
              expect(rep.component(c + 1), where).toBe(raw);
              subs.forEach((sub, s) => expect(sub, `${where}.${s + 1}`).toBe(mseg.getComponent(n, c + 1, s, r)));
            }
            compared++;
          });
        });
      }
    });
    expect(compared).toBeGreaterThan(5);
  });

  it('checked every expected decoded value (none is stale)', () => {
    expect([...escapedSeen].sort()).toEqual(Object.keys(DECODED).sort());
  });
});
