import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Gateway → trust request signing. The gateway has verified the caller's token; it tells the trust
 * who is asking (for the trust's own role checks and audit) in a header the trust can trust
 * because it is covered by an HMAC-SHA256 (RFC 2104) under a secret only the two share:
 *
 *   signature = base64url(HMAC-SHA256(secret, "v2" \n trust \n path \n timestamp \n nonce \n identity \n body))
 *
 * `trust` and `path` are the audience (the trust code the gateway meant and the URL path it
 * posted to), never sent: the trust puts in its own code and the path it received, so a request
 * signed for one trust is refused by every other, even when all share one `gatewaySecret`
 * (issue 15, finding 7; the same reason JWTs carry `aud`, RFC 7519 §4.1.3).
 *
 * `timestamp` is milliseconds since the epoch; a request outside `windowMs` of the trust's clock
 * (either way: clocks drift) is refused, and a replay cache refuses the same signature twice
 * inside the window. The body is signed as sent, so only POST bodies carry a query.
 */

export const TIMESTAMP_HEADER = 'x-imaging-network-timestamp';
export const IDENTITY_HEADER = 'x-imaging-network-identity';
export const SIGNATURE_HEADER = 'x-imaging-network-signature';
/**
 * A random value per request, inside the MAC: two identical queries for the same caller in the
 * same millisecond (a double click, a retry after a reset) are different requests, and must not
 * be refused as replays of each other.
 */
export const NONCE_HEADER = 'x-imaging-network-nonce';

/** @default 60000 */
export const DEFAULT_SIGNATURE_WINDOW_MS = 60_000;

/** Who is asking, as the gateway verified it. */
export interface CallerIdentity {
  /** The token's subject (`sub`). */
  sub: string;
  /** Roles from the token's `roles` claim. */
  roles: string[];
  /** The caller's own trust (ODS code), from the token's `trust` claim. */
  trust?: string;
  /** The client's operation name, for the audit. */
  operationName?: string;
  /** OIDC `given_name` (the reporter's name on reports written in the network). */
  givenName?: string;
  /** OIDC `family_name`. */
  familyName?: string;
  /** The `gmc` claim: the radiologist's 7-digit GMC number. */
  gmc?: string;
}

/** Whom a signed request is for: the trust code and the URL path (e.g. `RXA`, `/graphql`). */
export interface SignatureAudience {
  trust: string;
  path: string;
}

/**
 * Bounds on what travels in the identity header. The operation name is the client's own text (a
 * GraphQL Name has no length limit): an unbounded one made the header exceed the trust's HTTP
 * header limit, every call failed, and the failures opened the circuit for everyone (finding 6).
 */
export const MAX_OPERATION_NAME = 128;

export interface SignRequestInput {
  body: string;
  secret: string;
  audience: SignatureAudience;
  /** @default Date.now() */
  now?: number;
  /** Absent: no caller (the gateway runs without authentication). */
  identity?: CallerIdentity | undefined;
}

export type HeaderSource = Headers | Record<string, string | string[] | undefined>;

export interface VerifyRequestInput {
  headers: HeaderSource;
  body: string;
  secret: string;
  /** This trust's code and the path the request arrived on. */
  audience: SignatureAudience;
  /** @default Date.now() */
  now?: number;
  /** @default 60000 */
  windowMs?: number;
  /** Signatures already seen; without it only the window limits replays. */
  seen?: ReplayCache;
}

export type VerifyResult = { ok: true; identity: CallerIdentity | undefined } | { ok: false; reason: string };

function mac(secret: string, audience: SignatureAudience, timestamp: string, nonce: string, identity: string, body: string): Buffer {
  // Trust codes and paths hold no newline (codes are ODS codes; a URL path is percent-encoded).
  return createHmac('sha256', secret).update(`v2\n${audience.trust}\n${audience.path}\n${timestamp}\n${nonce}\n${identity}\n${body}`, 'utf8').digest();
}

/**
 * The client-controlled part of an identity, bounded: the operation name keeps only GraphQL Name
 * characters (spec §2.1.9) and at most MAX_OPERATION_NAME of them.
 */
export function boundedIdentity(identity: CallerIdentity): CallerIdentity {
  if (identity.operationName === undefined) return identity;
  const name = identity.operationName.replace(/[^_0-9A-Za-z]/g, '').slice(0, MAX_OPERATION_NAME);
  const { operationName: _dropped, ...rest } = identity;
  return name === '' ? rest : { ...rest, operationName: name };
}

/** The identity header's value: the bounded identity as base64url JSON ('' for none). */
export function encodeIdentity(identity: CallerIdentity | undefined): string {
  return identity ? Buffer.from(JSON.stringify(boundedIdentity(identity)), 'utf8').toString('base64url') : '';
}

/** The headers for a request with `body`, for `audience`. */
export function signRequest({ body, secret, audience, now = Date.now(), identity }: SignRequestInput): Record<string, string> {
  if (secret === '') throw new Error('signRequest: the secret is empty');
  const timestamp = String(Math.trunc(now));
  const encoded = encodeIdentity(identity);
  const nonce = randomBytes(12).toString('base64url');
  return {
    [TIMESTAMP_HEADER]: timestamp,
    [NONCE_HEADER]: nonce,
    [IDENTITY_HEADER]: encoded,
    [SIGNATURE_HEADER]: mac(secret, audience, timestamp, nonce, encoded, body).toString('base64url'),
  };
}

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? undefined : value;
}

/**
 * The checks that need no body: headers present, timestamp inside the window. A server runs them
 * before reading the body, so an unsigned caller cannot make it buffer anything.
 */
export function precheckRequest(headers: HeaderSource, now = Date.now(), windowMs = DEFAULT_SIGNATURE_WINDOW_MS): string | undefined {
  const timestamp = header(headers, TIMESTAMP_HEADER);
  const nonce = header(headers, NONCE_HEADER);
  if (header(headers, SIGNATURE_HEADER) === undefined || timestamp === undefined || header(headers, IDENTITY_HEADER) === undefined || nonce === undefined) {
    return 'request is not signed';
  }
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(nonce)) return 'signature nonce is malformed';
  if (!/^\d{1,15}$/.test(timestamp)) return 'signature timestamp is malformed';
  if (Math.abs(now - Number(timestamp)) > windowMs) return 'signature timestamp is outside the window';
  return undefined;
}

/** Verifies a signed request in constant time; the identity is trusted only when `ok`. */
export function verifyRequest({ headers, body, secret, audience, now = Date.now(), windowMs = DEFAULT_SIGNATURE_WINDOW_MS, seen }: VerifyRequestInput): VerifyResult {
  if (secret === '') return { ok: false, reason: 'no secret configured' };
  const problem = precheckRequest(headers, now, windowMs);
  if (problem) return { ok: false, reason: problem };
  const timestamp = header(headers, TIMESTAMP_HEADER)!;
  const encoded = header(headers, IDENTITY_HEADER)!;
  const given = Buffer.from(header(headers, SIGNATURE_HEADER)!, 'base64url');
  const expected = mac(secret, audience, timestamp, header(headers, NONCE_HEADER)!, encoded, body);
  // timingSafeEqual needs equal lengths; the length of a valid MAC is public (32 bytes).
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'signature does not match' };
  if (seen && !seen.remember(expected.toString('base64url'), Number(timestamp), now)) {
    return { ok: false, reason: 'request was replayed' };
  }
  if (encoded === '') return { ok: true, identity: undefined };
  const identity = decodeIdentity(encoded);
  return identity ? { ok: true, identity } : { ok: false, reason: 'identity header is malformed' };
}

function decodeIdentity(encoded: string): CallerIdentity | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { sub, roles, trust, operationName } = value as Record<string, unknown>;
  if (typeof sub !== 'string' || !Array.isArray(roles) || !roles.every((r) => typeof r === 'string')) return undefined;
  if (trust !== undefined && typeof trust !== 'string') return undefined;
  if (operationName !== undefined && typeof operationName !== 'string') return undefined;
  const { givenName, familyName, gmc } = value as Record<string, unknown>;
  return {
    sub,
    roles: roles as string[],
    ...(trust !== undefined ? { trust } : {}),
    ...(operationName !== undefined ? { operationName } : {}),
    ...(typeof givenName === 'string' ? { givenName } : {}),
    ...(typeof familyName === 'string' ? { familyName } : {}),
    ...(typeof gmc === 'string' ? { gmc } : {}),
  };
}

/**
 * Signatures seen inside the window. An entry can be forgotten once its timestamp has left the
 * window: the window check refuses that request anyway. So memory is bounded by the request rate
 * times the window.
 */
export class ReplayCache {
  private readonly expiries = new Map<string, number>();

  constructor(private readonly windowMs = DEFAULT_SIGNATURE_WINDOW_MS) {}

  /** Records `signature`; false when it was already seen (a replay). */
  remember(signature: string, timestamp: number, now: number): boolean {
    this.prune(now);
    if (this.expiries.has(signature)) return false;
    this.expiries.set(signature, timestamp + this.windowMs);
    return true;
  }

  get size(): number {
    return this.expiries.size;
  }

  private prune(now: number): void {
    // Insertion order is close to timestamp order, so stop at the first live entry.
    for (const [signature, expiry] of this.expiries) {
      if (expiry >= now) break;
      this.expiries.delete(signature);
    }
  }
}
