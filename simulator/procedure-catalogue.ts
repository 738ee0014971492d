/**
 * What a radiology department does, with roughly a UK acute trust's mix: plain film (CR/DX) about
 * half, then US, CT, MR, and a little MG, NM, PT and XA. Codes are NICIP-style local codes; body
 * parts are PS3.16 CID 4031 defined terms; SOP classes are PS3.4 Annex B storage classes.
 */

export interface SeriesTemplate {
  description: string;
  /** Modality of this series when it differs from the procedure's (the CT of a PET-CT). */
  modality?: string;
  /** Inclusive range of instance counts. */
  instances: readonly [number, number];
}

export interface Procedure {
  code: string;
  name: string;
  modality: string;
  bodyPart: string;
  /** Relative frequency within the modality. */
  weight: number;
  series: readonly SeriesTemplate[];
}

/** Storage SOP Class UIDs (PS3.4 Annex B.5, table B.5-1) by modality. */
export const SOP_CLASS_BY_MODALITY: Readonly<Record<string, string>> = {
  CR: '1.2.840.10008.5.1.4.1.1.1',
  DX: '1.2.840.10008.5.1.4.1.1.1.1',
  MG: '1.2.840.10008.5.1.4.1.1.1.2',
  CT: '1.2.840.10008.5.1.4.1.1.2',
  MR: '1.2.840.10008.5.1.4.1.1.4',
  US: '1.2.840.10008.5.1.4.1.1.6.1',
  XA: '1.2.840.10008.5.1.4.1.1.12.1',
  NM: '1.2.840.10008.5.1.4.1.1.20',
  PT: '1.2.840.10008.5.1.4.1.1.128',
};

/** Modality mix of a UK acute trust (relative weights). */
export const MODALITY_MIX: readonly (readonly [string, number])[] = [
  ['CR', 28], ['DX', 18], ['US', 20], ['CT', 17], ['MR', 10], ['MG', 3], ['NM', 1.5], ['XA', 1.5], ['PT', 1],
];

const xr = (views: number): SeriesTemplate[] =>
  Array.from({ length: views }, (_, i) => ({ description: i === 0 ? 'AP' : 'Lateral', instances: [1, 1] as const }));

const CT_HEAD: SeriesTemplate[] = [
  { description: 'Scout', instances: [1, 2] },
  { description: 'Axial 5mm', instances: [28, 36] },
  { description: 'Axial 0.625mm bone', instances: [160, 240] },
];
const CT_BODY: SeriesTemplate[] = [
  { description: 'Scout', instances: [1, 2] },
  { description: 'Axial 5mm portal venous', instances: [60, 90] },
  { description: 'Axial 1mm portal venous', instances: [200, 300] },
  { description: 'Coronal MPR 3mm', instances: [60, 90] },
];
const MR_JOINT: SeriesTemplate[] = [
  { description: 'PD FS sagittal', instances: [20, 30] },
  { description: 'T1 coronal', instances: [20, 28] },
  { description: 'PD FS coronal', instances: [20, 28] },
  { description: 'T2 axial', instances: [24, 36] },
];
const MR_SPINE: SeriesTemplate[] = [
  { description: 'T2 sagittal', instances: [13, 17] },
  { description: 'T1 sagittal', instances: [13, 17] },
  { description: 'T2 axial', instances: [20, 40] },
];
const MR_BRAIN: SeriesTemplate[] = [
  { description: 'DWI', instances: [50, 75] },
  { description: 'T2 axial', instances: [22, 28] },
  { description: 'FLAIR coronal', instances: [22, 28] },
  { description: 'SWI', instances: [40, 60] },
];
const US: SeriesTemplate[] = [{ description: 'Ultrasound', instances: [8, 40] }];

export const PROCEDURES: readonly Procedure[] = [
  { code: 'XCHES', name: 'XR Chest', modality: 'CR', bodyPart: 'CHEST', weight: 45, series: [{ description: 'PA', instances: [1, 1] }] },
  { code: 'XKNEL', name: 'XR Knee Lt', modality: 'CR', bodyPart: 'KNEE', weight: 8, series: xr(2) },
  { code: 'XHIPR', name: 'XR Hip Rt', modality: 'CR', bodyPart: 'HIP', weight: 8, series: xr(2) },
  { code: 'XABDO', name: 'XR Abdomen', modality: 'CR', bodyPart: 'ABDOMEN', weight: 6, series: xr(1) },
  { code: 'XWRIL', name: 'XR Wrist Lt', modality: 'DX', bodyPart: 'HAND', weight: 10, series: xr(2) },
  { code: 'XANKR', name: 'XR Ankle Rt', modality: 'DX', bodyPart: 'ANKLE', weight: 10, series: xr(2) },
  { code: 'XLSPI', name: 'XR Lumbar spine', modality: 'DX', bodyPart: 'LSPINE', weight: 6, series: xr(2) },
  { code: 'XSHOL', name: 'XR Shoulder Lt', modality: 'DX', bodyPart: 'SHOULDER', weight: 6, series: xr(2) },
  { code: 'UABDO', name: 'US Abdomen', modality: 'US', bodyPart: 'ABDOMEN', weight: 35, series: US },
  { code: 'UPELV', name: 'US Pelvis', modality: 'US', bodyPart: 'PELVIS', weight: 20, series: US },
  { code: 'UNECK', name: 'US Thyroid', modality: 'US', bodyPart: 'NECK', weight: 10, series: US },
  { code: 'UDVTL', name: 'US Doppler leg veins Lt', modality: 'US', bodyPart: 'LEG', weight: 15, series: US },
  { code: 'CHEAD', name: 'CT Head', modality: 'CT', bodyPart: 'HEAD', weight: 40, series: CT_HEAD },
  { code: 'CCAPC', name: 'CT Chest abdomen pelvis with contrast', modality: 'CT', bodyPart: 'CHESTABDPELVIS', weight: 30, series: CT_BODY },
  { code: 'CPULA', name: 'CT Pulmonary angiogram', modality: 'CT', bodyPart: 'CHEST', weight: 15, series: CT_BODY.slice(0, 3) },
  { code: 'CCSPI', name: 'CT Cervical spine', modality: 'CT', bodyPart: 'CSPINE', weight: 10, series: CT_HEAD },
  { code: 'MKNER', name: 'MR Knee Rt', modality: 'MR', bodyPart: 'KNEE', weight: 20, series: MR_JOINT },
  { code: 'MLSPI', name: 'MR Lumbar spine', modality: 'MR', bodyPart: 'LSPINE', weight: 30, series: MR_SPINE },
  { code: 'MHEAD', name: 'MR Head', modality: 'MR', bodyPart: 'BRAIN', weight: 35, series: MR_BRAIN },
  { code: 'MPROS', name: 'MR Prostate', modality: 'MR', bodyPart: 'PROSTATE', weight: 15, series: MR_SPINE },
  {
    code: 'MMAMB', name: 'MG Mammogram both', modality: 'MG', bodyPart: 'BREAST', weight: 1,
    series: ['R CC', 'L CC', 'R MLO', 'L MLO'].map((d) => ({ description: d, instances: [1, 1] as const })),
  },
  { code: 'NBONE', name: 'NM Bone scan whole body', modality: 'NM', bodyPart: 'WHOLEBODY', weight: 1, series: [{ description: 'Whole body anterior/posterior', instances: [2, 2] }] },
  {
    code: 'PPETW', name: 'PET-CT FDG skull base to thigh', modality: 'PT', bodyPart: 'WHOLEBODY', weight: 1,
    series: [
      { description: 'CT attenuation correction', modality: 'CT', instances: [200, 280] },
      { description: 'PET AC', instances: [200, 280] },
      { description: 'PET NAC', instances: [200, 280] },
    ],
  },
  {
    code: 'ACORO', name: 'XA Coronary angiogram', modality: 'XA', bodyPart: 'HEART', weight: 1,
    series: [{ description: 'LCA', instances: [2, 4] }, { description: 'RCA', instances: [1, 3] }],
  },
];

/** Procedures of one modality with their weights, for a weighted draw. */
export function proceduresOf(modality: string): (readonly [Procedure, number])[] {
  return PROCEDURES.filter((p) => p.modality === modality).map((p) => [p, p.weight] as const);
}
