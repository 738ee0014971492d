/**
 * What the simulated PACS holds for one performed study: the attributes QIDO-RS matches on and
 * WADO-RS metadata returns, consistent with the HL7 the same world sent (same accession, patient,
 * modality, performed time).
 */
export interface SimSeries {
  /** (0020,000E) */
  seriesInstanceUid: string;
  /** (0020,0011) 1..n */
  seriesNumber: number;
  /** (0008,0060) */
  modality: string;
  /** (0008,103E) */
  seriesDescription: string;
  /** (0018,0015), a PS3.16 CID 4031 defined term such as `HEAD` or `CHEST`. */
  bodyPartExamined: string;
  /** (0008,0016) of every instance in the series. */
  sopClassUid: string;
  /** Number of instances; instance n has SOP Instance UID `<series uid>.<n>`. */
  instanceCount: number;
}

export interface SimStudy {
  /** ODS code of the trust whose PACS holds it. */
  trust: string;
  /** (0020,000D) `2.25.<decimal>`: derived from seed, trust and accession, so stable across runs. */
  studyInstanceUid: string;
  /** (0008,0050) equals the RIS accession number: RIS and PACS join on it. */
  accessionNumber: string;
  /** (0010,0020) the trust's local MRN, as the RIS sent it in PID-3 at order time. */
  patientId: string;
  /** (0010,0021) */
  issuerOfPatientId: string;
  /** The NHS number, also written as an Other Patient ID (0010,1002); null when the order had none. */
  nhsNumber: string | null;
  /** (0010,0010) PN `Family^Given` */
  patientName: string;
  /** (0010,0030) DA `YYYYMMDD` */
  patientBirthDate: string;
  /** (0010,0040) `F`, `M` or `O` */
  patientSex: string;
  /** (0008,0020) DA, local date of the exam start (= HL7 OBR-7). */
  studyDate: string;
  /** (0008,0030) TM `HHMMSS`, local time of the exam start. */
  studyTime: string;
  /** (0008,0201) `+HHMM` */
  timezoneOffsetFromUtc: string;
  /** The exam start as an ISO 8601 instant with offset. */
  performedAt: string;
  /** (0008,1030) the procedure name, as in OBR-4. */
  studyDescription: string;
  /** (0020,0010) */
  studyId: string;
  /** (0008,0090) PN */
  referringPhysicianName: string;
  /** (0008,0080) */
  institutionName: string;
  series: readonly SimSeries[];
}

/** (0008,0061) Modalities in Study: the distinct series modalities, in series order. */
export function modalitiesInStudy(study: SimStudy): string[] {
  return [...new Set(study.series.map((s) => s.modality))];
}

/** (0020,1208) Number of Study Related Instances. */
export function instanceCountOfStudy(study: SimStudy): number {
  return study.series.reduce((n, s) => n + s.instanceCount, 0);
}
