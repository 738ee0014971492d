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
  return `${PREFIX}.${key.trust}.${studyIdPayload(key.kind, key.value)}`;
}

/**
 * The trust-independent part of a study id (base64url of `kind:value`). Within one trust, ids
 * compare exactly as their payloads do (same prefix), so a store may order by the payload.
 */
export function studyIdPayload(kind: StudyKey['kind'], value: string): string {
  return Buffer.from(`${KIND_TAG[kind]}:${value}`, 'utf8').toString('base64url');
}

/** The full id of a payload made by `studyIdPayload` at `trust`. */
export function studyIdOfPayload(trust: string, payload: string): string {
  return `${PREFIX}.${trust}.${payload}`;
}

/** The payload of a full study id (the part after the trust), or undefined when not an id. */
export function payloadOfStudyId(id: string): string | undefined {
  const parts = id.split('.');
  return parts.length === 3 && parts[0] === PREFIX ? parts[2] : undefined;
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
