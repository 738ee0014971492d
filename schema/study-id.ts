/**
 * The network study id: which trust owns a study, and how that trust finds it again.
 *
 * A study is keyed by its accession number when the RIS issued one (the join key between RIS and
 * PACS), else by its Study Instance UID (a PACS study without an order). The id is
 * `S1.<trust>.<base64url(kind:value)>`: the trust stays readable (gateways route on it without
 * decoding), the value may hold any character. `S1` versions the format.
 */

export type StudyKey =
  | { trust: string; kind: 'accession'; value: string }
  | { trust: string; kind: 'uid'; value: string };

const PREFIX = 'S1';
const KIND_TAG = { accession: 'a', uid: 'u' } as const;

export function encodeStudyId(key: StudyKey): string {
  const payload = Buffer.from(`${KIND_TAG[key.kind]}:${key.value}`, 'utf8').toString('base64url');
  return `${PREFIX}.${key.trust}.${payload}`;
}

/** Decodes a study id; returns undefined for anything that is not one (never throws). */
export function decodeStudyId(id: string): StudyKey | undefined {
  const parts = id.split('.');
  if (parts.length !== 3 || parts[0] !== PREFIX) return undefined;
  const [, trust, payload] = parts as [string, string, string];
  if (!/^R[A-Z0-9]{2}$/.test(trust) || !/^[A-Za-z0-9_-]+$/.test(payload)) return undefined;
  const decoded = Buffer.from(payload, 'base64url').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) return undefined;
  const tag = decoded.slice(0, colon);
  const value = decoded.slice(colon + 1);
  if (value === '') return undefined;
  if (tag === KIND_TAG.accession) return { trust, kind: 'accession', value };
  if (tag === KIND_TAG.uid) return { trust, kind: 'uid', value };
  return undefined;
}

/** The owning trust's code of a study id, or undefined when the id is not one of ours. */
export function trustOfStudyId(id: string): string | undefined {
  return decodeStudyId(id)?.trust;
}
