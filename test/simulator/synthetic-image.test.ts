/**
 * The demo's images, read back by dcmtk's `dcmdump` (an independent parser): the Image Pixel
 * module says what the pixels are, and the pixel data dcmtk extracts (`+W`) is the phantom.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { phantomPixels, simImageFile } from '../../simulator/synthetic-image.ts';
import { generateHistory, RXA_PROFILE } from '../../simulator/index.ts';

const DCMDUMP = ['/usr/bin/dcmdump', '/usr/local/bin/dcmdump'].find((p) => existsSync(p));
if (!DCMDUMP && process.env['CI'] === 'true') throw new Error('dcmtk dcmdump is not installed (apt-get install dcmtk)');

describe('synthetic images', () => {
  it('draws a phantom with structure that changes from slice to slice', () => {
    const a = phantomPixels({ slice: 1, slices: 3 });
    const b = phantomPixels({ slice: 3, slices: 3 });
    expect(a.length).toBe(64 * 64 * 2);
    const values = new Set<number>();
    for (let i = 0; i < a.length; i += 2) values.add(a.readUInt16LE(i));
    expect(values.size).toBeGreaterThan(5);
    expect(Math.max(...values)).toBeLessThan(4096); // 12 bits stored
    expect(a.equals(b)).toBe(false);
    expect(phantomPixels({ slice: 2, slices: 3 }).equals(phantomPixels({ slice: 2, slices: 3 }))).toBe(true);
  });

  it.skipIf(!DCMDUMP)('writes a MONOCHROME2 16-bit image that dcmtk reads back pixel for pixel', () => {
    const study = generateHistory(RXA_PROFILE, { seed: 3, days: 1, studiesPerDay: 3, now: '2026-05-01T12:00:00Z' }).studies[0]!;
    const file = simImageFile(study, study.series[0]!, 2, 3);
    const dir = mkdtempSync(join(tmpdir(), 'synthetic-image-'));
    try {
      writeFileSync(join(dir, 'i.dcm'), file);
      const dump = execFileSync(DCMDUMP!, ['+W', dir, join(dir, 'i.dcm')], { encoding: 'utf8' });
      const tag = (t: string) => new RegExp(`^\\(${t}\\) (\\w\\w) ([^#]*?)\\s+#`, 'm').exec(dump)?.slice(1, 3).join(' ').trim();
      expect(tag('0028,0002')).toBe('US 1');
      expect(tag('0028,0004')).toBe('CS [MONOCHROME2]');
      expect(tag('0028,0010')).toBe('US 64');
      expect(tag('0028,0011')).toBe('US 64');
      expect(tag('0028,0100')).toBe('US 16');
      expect(tag('0028,0101')).toBe('US 12');
      expect(tag('0028,0103')).toBe('US 0');
      const raw = readdirSync(dir).find((f) => f.endsWith('.raw'))!;
      expect(readFileSync(join(dir, raw)).equals(phantomPixels({ slice: 2, slices: 3 }))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
