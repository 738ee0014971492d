import type { Procedure } from './procedure-catalogue.ts';
import type { SeededRandom } from './seeded-random.ts';

/**
 * Report and request text. Clinicians really write `^` for "raised", `~` for "about", `&` for
 * "and", and mistype `\` for `/`, so the text carries every HL7 delimiter (chapter 2.7.4 escapes)
 * and the codec is exercised on each, plus non-ASCII (`—`, `µ`) for MSH-18 UTF-8.
 */
const INDICATIONS = [
  'SOB, ^CRP & temp 38.2',
  '? PE, D-dimer ^',
  'Fall, pain & reduced ROM',
  'Headache ~3/52, ? SOL',
  'Weight loss ~6kg, ? malignancy',
  'Trauma — FOOSH',
  'Back pain, L4\\5 radiculopathy?',
  'Known Ca, restaging',
  'Protocol: chest|abdo|pelvis',
];

const NORMAL_FINDINGS: Record<string, readonly string[]> = {
  CHEST: ['Heart size normal & mediastinum not widened.', 'Lungs clear. No pleural effusion.'],
  HEAD: ['No intracranial haemorrhage, mass effect or midline shift.', 'Grey/white differentiation preserved.'],
  BRAIN: ['No acute infarct on DWI.', 'Ventricles & sulci appropriate for age.'],
  KNEE: ['Menisci intact.', 'Cruciate & collateral ligaments intact. Small joint effusion ~5 mL.'],
  LSPINE: ['L4\\5 disc bulge contacting the traversing L5 nerve root.', 'Conus normal, ends at L1.'],
};

const GENERIC = ['No acute abnormality.', 'Appearances within normal limits for age.'];

export interface ReportContext {
  procedure: Procedure;
  indication: string;
  /** 'P' preliminary, 'F' final, 'C' corrected (OBR-25, table 0123). */
  status: 'P' | 'F' | 'C';
  author: string;
}

/** A clinical indication for a request. */
export function drawIndication(rng: SeededRandom): string {
  return rng.pick(INDICATIONS);
}

/** Report lines (no line terminators); the dialect decides TX lines or one FT value. */
export function reportLines(rng: SeededRandom, ctx: ReportContext): string[] {
  const findings = NORMAL_FINDINGS[ctx.procedure.bodyPart] ?? GENERIC;
  const lines = [
    `${ctx.procedure.name.toUpperCase()}`,
    `Clinical details: ${ctx.indication}`,
    '',
    'Findings:',
    ...findings,
  ];
  if (rng.chance(0.3)) lines.push(`Incidental ${rng.int(3, 9)} mm nodule — no follow-up needed (Fleischner).`);
  if (ctx.status === 'P') lines.push('', 'PRELIMINARY REPORT — subject to consultant review.');
  if (ctx.status === 'C') lines.push('', 'ADDENDUM: corrected side. Comparison with prior imaging at C:\\PACS\\prior.');
  lines.push('', `Conclusion: ${rng.pick(['No acute abnormality.', 'Findings as above; clinical correlation advised.', 'Mild degenerative change only.'])}`);
  lines.push(`Reported by ${ctx.author}`);
  return lines;
}
