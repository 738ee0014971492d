/**
 * How one simulated trust's RIS speaks HL7 v2. Real trusts differ in exactly these places, so the
 * three built-in profiles differ in all of them and the ingest side is exercised on each.
 */
export interface SimDialect {
  /** MSH-12 version id (HL7 v2 chapter 2, table 0104). */
  version: '2.3' | '2.4' | '2.5.1';
  /** ORM^O01 (v2.3/2.4 chapter 4) or OMI^O23 with IPC (v2.5.1 chapter 4.4, IHE RAD TF-2). */
  orders: 'ORM' | 'OMI';
  /**
   * Where the NHS number goes: a PID-3 repetition with CX-5 `NH` and assigning authority
   * `NHS&2.16.840.1.113883.2.1.4.1&ISO`, or PID-2 (the v2.3/2.4 "external patient id").
   */
  nhsNumberIn: 'PID-3' | 'PID-2';
  /** OBX-2 value type of report text (HL7 v2 table 0125): one TX OBX per line, or one FT OBX with `\.br\`. */
  reportValueType: 'TX' | 'FT';
  /** Where the accession number goes: OBR-18 (placer field 1), OBR-3 (filler order number) or IPC-1. */
  accessionIn: 'OBR-18' | 'OBR-3' | 'IPC-1';
  /**
   * How a booking is announced: an order message with ORC-1 `SC` / ORC-5 `SC` (table 0119/0038),
   * or SIU^S12 (chapter 10). @default 'ORC'
   */
  schedulesBy?: 'ORC' | 'SIU';
  /**
   * Local words this RIS writes instead of table 0027 codes (UK RIS send "Soon", "2WW"…); the
   * trust's `hl7.priorities` must map them (see `trustHl7Config`). @default the codes
   */
  priorityWords?: Partial<Record<'S' | 'A' | 'R', string>>;
  /**
   * Times in the message body (not MSH-7) are local wall-clock times without an offset, as older
   * RIS write them; a feed that crosses a clock change then tests the receiver's zone rules.
   * @default false
   */
  localTimes?: boolean;
  /**
   * The national number PID carries: the NHS number, or (Scotland) the patient's CHI number,
   * typed `NH` without an assigning authority, as Scottish RIS on English templates send it; the
   * trust's `hl7.nationalNumber` must say CHI (see `trustHl7Config`). @default 'NHS'
   */
  nationalNumber?: 'NHS' | 'CHI';
}

export interface SimTrustProfile {
  /** ODS trust code (3 characters, starting `R`). */
  code: string;
  name: string;
  dialect: SimDialect;
  /** MSH-3 */
  sendingApplication: string;
  /** MSH-4 */
  sendingFacility: string;
  /** IANA zone; HL7 and DICOM local times are written in it. */
  timezone: string;
}

/** The HL7 assigning authority of NHS numbers: namespace, OID, ISO (HD data type). */
export const NHS_NUMBER_AUTHORITY = ['NHS', '2.16.840.1.113883.2.1.4.1', 'ISO'] as const;

export const RXA_PROFILE: SimTrustProfile = {
  code: 'RXA',
  name: 'Riverside Hospitals NHS Trust (simulated)',
  dialect: { version: '2.3', orders: 'ORM', nhsNumberIn: 'PID-3', reportValueType: 'TX', accessionIn: 'OBR-18', schedulesBy: 'ORC' },
  sendingApplication: 'CRIS',
  sendingFacility: 'RXA',
  timezone: 'Europe/London',
};

export const RH8_PROFILE: SimTrustProfile = {
  code: 'RH8',
  name: 'Westmoor University Hospitals NHS Trust (simulated)',
  // A local priority word: "Soon" for ASAP (mapped by the trust's hl7.priorities); body times
  // without an offset (read in the trust's zone for their own date).
  dialect: { version: '2.4', orders: 'ORM', nhsNumberIn: 'PID-2', reportValueType: 'FT', accessionIn: 'OBR-3', schedulesBy: 'ORC', priorityWords: { A: 'SOON' }, localTimes: true },
  sendingApplication: 'RADIS',
  sendingFacility: 'RH8',
  timezone: 'Europe/London',
};

export const RTH_PROFILE: SimTrustProfile = {
  code: 'RTH',
  name: 'Eastbridge Teaching Hospitals NHS Trust (simulated)',
  dialect: { version: '2.5.1', orders: 'OMI', nhsNumberIn: 'PID-3', reportValueType: 'FT', accessionIn: 'IPC-1', schedulesBy: 'SIU' },
  sendingApplication: 'EPIC-RAD',
  sendingFacility: 'RTH',
  timezone: 'Europe/London',
};

/** The demo's three trusts, with three different dialects. Names are fictional; only the ODS-shaped codes are real-looking. */
export const BUILT_IN_PROFILES: readonly SimTrustProfile[] = [RXA_PROFILE, RH8_PROFILE, RTH_PROFILE];

/**
 * A trust whose RIS carries Scottish CHI numbers in PID (issue 14 hard case). Not one of the demo's
 * three, so the demo's shared NHS-number patients stay as they are; `simulate --trust RXS` and its
 * own integration test feed it.
 */
export const RXS_PROFILE: SimTrustProfile = {
  code: 'RXS',
  name: 'Borders Cross-border Imaging (simulated, CHI numbers)',
  dialect: { version: '2.4', orders: 'ORM', nhsNumberIn: 'PID-3', reportValueType: 'TX', accessionIn: 'OBR-18', schedulesBy: 'ORC', nationalNumber: 'CHI' },
  sendingApplication: 'RADIS',
  sendingFacility: 'RXS',
  timezone: 'Europe/London',
};

/** Every profile the simulator can play: the demo's three and the CHI trust. */
export const ALL_PROFILES: readonly SimTrustProfile[] = [...BUILT_IN_PROFILES, RXS_PROFILE];

/** The priority value this RIS writes for a table 0027 code (its local word, else the code). */
export function priorityText(profile: SimTrustProfile, code: 'S' | 'A' | 'R'): string {
  return profile.dialect.priorityWords?.[code] ?? code;
}

/** Network priority of each table 0027 code the simulator uses. */
const NETWORK_PRIORITY = { S: 'STAT', A: 'URGENT', R: 'ROUTINE' } as const;

/**
 * The `hl7` section of a trust config that reads this RIS: its zone and the map of its local
 * priority words (`hl7.priorities`), so configs made from a profile never drift from the dialect.
 */
export function trustHl7Config(profile: SimTrustProfile): { timezone: string; priorities: Record<string, 'STAT' | 'URGENT' | 'ROUTINE'>; nationalNumber: 'NHS' | 'CHI' } {
  const priorities: Record<string, 'STAT' | 'URGENT' | 'ROUTINE'> = {};
  for (const [code, word] of Object.entries(profile.dialect.priorityWords ?? {})) priorities[word] = NETWORK_PRIORITY[code as 'S' | 'A' | 'R'];
  return { timezone: profile.timezone, priorities, nationalNumber: profile.dialect.nationalNumber ?? 'NHS' };
}

/** A built-in profile by trust code, or undefined. */
export function builtInProfile(code: string): SimTrustProfile | undefined {
  return ALL_PROFILES.find((p) => p.code === code);
}
