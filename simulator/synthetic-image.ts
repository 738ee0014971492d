/**
 * Small but real images for the simulated PACS: a grey-scale phantom (an elliptical body with a
 * bony ring, two organs whose size changes from slice to slice, and a small lesion that moves)
 * as the Image Pixel module (PS3.3 C.7.6.3) of a MONOCHROME2 image: 16 bits allocated, 12
 * stored, unsigned, so a viewer's window/level has something to do. Deterministic: the same
 * slice of the same series is the same picture on every run.
 */
import { simInstanceDataSet, writeDicomPart10, type DicomElement } from './dicom-part10-writer.ts';
import type { SimSeries, SimStudy } from './sim-study.ts';

export interface PhantomOptions {
  /** @default 64 */
  rows?: number;
  /** @default 64 */
  columns?: number;
  /** 1-based slice of `slices`: the phantom's inner structures move with it. */
  slice: number;
  slices: number;
}

/** Window a viewer starts with (PS3.3 C.11.2.1.2): the soft tissues. */
export const PHANTOM_WINDOW = { center: 1150, width: 1000 } as const;

/** Pixel values, 16-bit little endian, row by row (PS3.5 §8.1.1 native encoding). */
export function phantomPixels({ rows = 64, columns = 64, slice, slices }: PhantomOptions): Buffer {
  const out = Buffer.alloc(rows * columns * 2);
  const t = slices > 1 ? (slice - 1) / (slices - 1) : 0.5;
  const organ = 0.18 + 0.12 * Math.sin(Math.PI * t);
  const lesion = { x: -0.25 + 0.5 * t, y: 0.2 };
  for (let r = 0; r < rows; r++) {
    const y = (2 * r) / (rows - 1) - 1;
    for (let c = 0; c < columns; c++) {
      const x = (2 * c) / (columns - 1) - 1;
      const body = (x / 0.9) ** 2 + (y / 0.75) ** 2;
      let v = 0;
      if (body <= 1) {
        v = 1000 + ((r * 7 + c * 13) % 23); // soft tissue with a little texture
        if (body > 0.8) v = 2600; // a bony ring
        if ((x + 0.35) ** 2 + y ** 2 < organ ** 2) v = 1250;
        if ((x - 0.35) ** 2 + (y + 0.1) ** 2 < (organ * 0.8) ** 2) v = 1100;
        if ((x - lesion.x) ** 2 + (y - lesion.y) ** 2 < 0.01) v = 1600;
      }
      out.writeUInt16LE(Math.min(4095, v), 2 * (r * columns + c));
    }
  }
  return out;
}

/** Image Pixel (C.7.6.3), plane and VOI LUT (C.11.2) attributes for `pixels` of rows × columns. */
export function imagePixelElements(rows: number, columns: number, pixels: Uint8Array, slice: number): DicomElement[] {
  if (pixels.length !== rows * columns * 2) throw new Error(`pixel data holds ${pixels.length} bytes; ${rows}×${columns}×2 expected`);
  return [
    { tag: 0x00180050, vr: 'DS', value: '5' },
    // Image Plane (C.7.6.2): axial slices 5 mm apart, so viewers that sort by position agree.
    { tag: 0x00200032, vr: 'DS', value: ['-160', '-160', String(-5 * slice)] },
    { tag: 0x00200037, vr: 'DS', value: ['1', '0', '0', '0', '1', '0'] },
    { tag: 0x00280002, vr: 'US', value: 1 },
    { tag: 0x00280004, vr: 'CS', value: 'MONOCHROME2' },
    { tag: 0x00280010, vr: 'US', value: rows },
    { tag: 0x00280011, vr: 'US', value: columns },
    { tag: 0x00280030, vr: 'DS', value: [String(320 / rows), String(320 / columns)] },
    { tag: 0x00280100, vr: 'US', value: 16 },
    { tag: 0x00280101, vr: 'US', value: 12 },
    { tag: 0x00280102, vr: 'US', value: 11 },
    { tag: 0x00280103, vr: 'US', value: 0 },
    { tag: 0x00281050, vr: 'DS', value: String(PHANTOM_WINDOW.center) },
    { tag: 0x00281051, vr: 'DS', value: String(PHANTOM_WINDOW.width) },
    { tag: 0x7fe00010, vr: 'OW', value: pixels },
  ];
}

/**
 * Instance `n` of `slices` of a simulated series as a Part 10 file with pixel data: the header of
 * dicom-part10-writer.ts plus a phantom slice (64 × 64 unless given).
 */
export function simImageFile(study: SimStudy, series: SimSeries, n: number, slices: number, size: { rows?: number; columns?: number } = {}): Buffer {
  const rows = size.rows ?? 64;
  const columns = size.columns ?? 64;
  const pixels = phantomPixels({ rows, columns, slice: n, slices });
  return writeDicomPart10([...simInstanceDataSet(study, series, n), ...imagePixelElements(rows, columns, pixels, n)]);
}
