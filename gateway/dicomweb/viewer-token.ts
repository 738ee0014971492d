import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Short-lived signed viewer tokens: a browser viewer (an <img>, a worker) cannot send an
 * `Authorization` header, so `Study.viewerUrl` and `Study.dicomweb` carry a token in the URL that
 * is good for ONE study (trust + Study Instance UID), for ONE user (their `sub`, roles and trust,
 * as verified when the token was issued), for a few minutes:
 *
 *   token = "v1." + base64url(JSON claims) + "." + base64url(HMAC-SHA256(key, "v1." + base64url(JSON claims)))
 *
 * HMAC-SHA256 (RFC 2104) under a key only the gateway holds (`dicomweb.viewerTokenSecret`, else
 * random per process: tokens then die with the process, and replicas need the configured key).
 */
export interface ViewerClaims {
  /** The user's `sub`. */
  sub: string;
  roles: string[];
  /** The user's own trust (token claim `trust`). */
  callerTrust?: string;
  /** The trust that holds the study (ODS code). */
  trust: string;
  studyInstanceUid: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

export type ViewerTokenCheck =
  | { ok: true; claims: ViewerClaims }
  | { ok: false; status: 401 | 403; reason: string };

const VERSION = 'v1';

export class ViewerTokens {
  private readonly key: Buffer;

  /** @param ttlSec lifetime of issued tokens. @param secret signing key; random when absent. */
  constructor(readonly ttlSec: number, secret?: string) {
    if (!Number.isInteger(ttlSec) || ttlSec <= 0) throw new Error(`viewer token lifetime must be a positive integer of seconds, got ${ttlSec}`);
    this.key = secret ? Buffer.from(secret, 'utf8') : randomBytes(32);
  }

  issue(claims: Omit<ViewerClaims, 'exp'>, nowMs = Date.now()): string {
    const body: ViewerClaims = { ...claims, exp: Math.floor(nowMs / 1000) + this.ttlSec };
    const payload = `${VERSION}.${Buffer.from(JSON.stringify(body), 'utf8').toString('base64url')}`;
    return `${payload}.${this.mac(payload).toString('base64url')}`;
  }

  /**
   * Checks a token for a request on `trust`'s study `studyInstanceUid` (undefined: a request not
   * scoped to one study, which a viewer token never allows). Bad or expired → 401; a good token
   * for another study or trust → 403.
   */
  check(token: string, trust: string, studyInstanceUid: string | undefined, nowMs = Date.now()): ViewerTokenCheck {
    const [version, payload, signature, ...rest] = token.split('.');
    if (version !== VERSION || payload === undefined || signature === undefined || rest.length > 0) return { ok: false, status: 401, reason: 'viewer token is malformed' };
    const given = Buffer.from(signature, 'base64url');
    const expected = this.mac(`${version}.${payload}`);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, status: 401, reason: 'viewer token signature is invalid' };
    let claims: ViewerClaims;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as ViewerClaims;
    } catch {
      return { ok: false, status: 401, reason: 'viewer token is malformed' };
    }
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= nowMs) return { ok: false, status: 401, reason: 'viewer token has expired' };
    if (claims.trust !== trust || studyInstanceUid === undefined || claims.studyInstanceUid !== studyInstanceUid) {
      return { ok: false, status: 403, reason: 'viewer token is for another study' };
    }
    return { ok: true, claims };
  }

  private mac(payload: string): Buffer {
    return createHmac('sha256', this.key).update(payload, 'utf8').digest();
  }
}
