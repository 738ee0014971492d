import { isValidNhsNumber } from '../schema/nhs-number.ts';
import { deriveSeed, randomFor } from './seeded-random.ts';

/**
 * The network's synthetic population. Every trust of one seed draws its patients from the same
 * pool, so a patient can attend two trusts under the same NHS number (with a different local MRN
 * at each): that is what makes the network patient view worth having.
 */
export interface SimPatient {
  /** Position in the pool; stable for a seed. */
  index: number;
  /** A valid NHS number in the 999 test range (never a real patient's). */
  nhsNumber: string;
  family: string;
  given: string[];
  /** YYYY-MM-DD */
  birthDate: string;
  /** HL7 PID-8 administrative sex (table 0001). */
  sex: 'F' | 'M';
  street: string;
  city: string;
  postcode: string;
  phone: string;
}

/** Size of the network pool; each trust sees about `TRUST_SHARE` of it. */
export const POOL_SIZE = 16_384;
/**
 * With three trusts each holding 6% of the pool independently, about 11% of a trust's patients
 * also attend one of the others.
 */
const TRUST_SHARE = 0.06;

const FAMILY = [
  'Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Patel', 'Robinson',
  'Wright', 'Thompson', 'Evans', 'Walker', 'White', 'Roberts', 'Green', 'Hall', 'Wood', 'Jackson',
  'Clarke', 'Khan', 'Hughes', 'Ahmed', 'Edwards', "O'Brien", 'Nowak', 'Okafor', 'Smith-Jones', 'MacDonald',
];
const GIVEN_F = ['Olivia', 'Amelia', 'Margaret', 'Susan', 'Fatima', 'Zoë', 'Siân', 'Chloe', 'Priya', 'Joan', 'Aisha', 'Mary'];
const GIVEN_M = ['Oliver', 'George', 'David', 'John', 'Mohammed', 'Rhys', 'Peter', 'Harry', 'Arjun', 'Seán', 'Kwame', 'James'];
const STREETS = ['High Street', 'Station Road', 'Church Lane', 'Mill Road', 'Victoria Street', 'Park Avenue'];
const CITIES = [['Exeter', 'EX'], ['Oxford', 'OX'], ['Leeds', 'LS'], ['Bristol', 'BS'], ['Reading', 'RG']] as const;

/**
 * Valid NHS number bodies in the 999 range, visited in a seed-dependent permuted order: the
 * multiplier 7919 (prime, coprime with 10^6) makes `i -> (a·i + b) mod 10^6` a bijection, so no
 * two patients share a number. Bodies whose Modulus 11 check gives 10 are skipped (NHS Data
 * Dictionary: such numbers are never issued).
 */
function nhsNumbers(seed: number): string[] {
  const offset = deriveSeed(seed, 'nhs') % 1_000_000;
  const out: string[] = [];
  for (let i = 0; out.length < POOL_SIZE; i++) {
    const serial = String((7919 * i + offset) % 1_000_000).padStart(6, '0');
    const body = `999${serial}`;
    let sum = 0;
    for (let k = 0; k < 9; k++) sum += Number(body[k]) * (10 - k);
    const check = 11 - (sum % 11);
    if (check === 10) continue;
    const nhs = `${body}${check === 11 ? 0 : check}`;
    if (!isValidNhsNumber(nhs)) throw new Error(`internal: generated invalid NHS number ${nhs}`);
    out.push(nhs);
  }
  return out;
}

const poolCache = new Map<number, string[]>();

/** Patient `index` of the pool of `seed`. */
export function poolPatient(seed: number, index: number): SimPatient {
  let numbers = poolCache.get(seed);
  if (!numbers) {
    numbers = nhsNumbers(seed);
    poolCache.set(seed, numbers);
  }
  const rng = randomFor(seed, 'patient', index);
  const sex = rng.chance(0.52) ? 'F' : 'M';
  // Imaging patients skew old: ages 0–99, weighted towards 50–85.
  const age = rng.weighted<[number, number]>([
    [[0, 17], 8], [[18, 39], 17], [[40, 59], 25], [[60, 79], 35], [[80, 99], 15],
  ]);
  const year = 2025 - rng.int(age[0], age[1]);
  const month = rng.int(1, 12);
  const day = rng.int(1, 28);
  const names = sex === 'F' ? GIVEN_F : GIVEN_M;
  const given = [rng.pick(names)];
  if (rng.chance(0.4)) given.push(rng.pick(names.filter((n) => n !== given[0])));
  const [city, area] = rng.pick(CITIES);
  return {
    index,
    nhsNumber: numbers[index] as string,
    family: rng.pick(FAMILY),
    given,
    birthDate: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    sex,
    street: `${rng.int(1, 180)} ${rng.pick(STREETS)}`,
    city,
    postcode: `${area}${rng.int(1, 20)} ${rng.int(1, 9)}${String.fromCharCode(65 + rng.int(0, 25))}${String.fromCharCode(65 + rng.int(0, 25))}`,
    // Ofcom's drama range (07700 900000–900999): never a real subscriber.
    phone: `07700 900${String(rng.int(0, 999)).padStart(3, '0')}`,
  };
}

/** Pool indexes of the patients who attend `trust` (about 6% of the pool, ~980 patients). */
export function trustCatchment(seed: number, trust: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < POOL_SIZE; i++) {
    if (deriveSeed(seed, 'attends', trust, i) / 4294967296 < TRUST_SHARE) out.push(i);
  }
  return out;
}

/**
 * The patient's local MRN at `trust`: the trust code plus 7 digits. `7919·i mod 9·10^6` is a
 * bijection (7919 is coprime with 9·10^6), so MRNs are unique within the trust.
 */
export function localMrn(seed: number, trust: string, index: number): string {
  const offset = deriveSeed(seed, 'mrn', trust) % 9_000_000;
  return `${trust}${1_000_000 + ((7919 * index + offset) % 9_000_000)}`;
}

/** A temporary MRN from a duplicate registration (later merged by ADT^A40): `T` marks it. */
export function temporaryMrn(trust: string, accessionNumber: string): string {
  return `${trust}T${accessionNumber.slice(trust.length)}`;
}
