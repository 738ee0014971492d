import { createRemoteJWKSet, decodeProtectedHeader, jwksCache, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { isLoopbackHost } from '../../platform/loopback-guard.ts';
import type { CallerIdentity } from '../../platform/request-signature.ts';
import { VerifiedTokens } from './verified-tokens.ts';

/**
 * The gateway's `auth.jwt` config: exactly one of `jwksUrl` (production: RS256/ES256 keys the
 * identity provider publishes and rotates) or `secret` (development: HS256).
 */
export interface JwtAuthConfig {
  /** JWK Set URL (RFC 7517 §5), e.g. the provider's `jwks_uri`. */
  jwksUrl?: string | undefined;
  /** HS256 shared secret; at least 32 bytes (RFC 7518 §3.2: a key as long as the hash output). */
  secret?: string | undefined;
  /** Required `iss` (RFC 7519 §4.1.1). */
  issuer: string;
  /** Required `aud` (RFC 7519 §4.1.3): the token must name this audience (one of these). */
  audience: string | string[];
  /** Clock skew allowed on `exp` / `nbf`, seconds. @default 30 */
  clockToleranceSec?: number;
  /**
   * Longest token lifetime accepted (`exp` − `iat`, or `exp` − now without `iat`), seconds: a
   * stolen long-lived token is refused however valid its signature. @default 43200 (12 h)
   */
  maxTokenAgeSeconds?: number;
  /** Shortest gap between two JWKS fetches when a token names an unknown `kid`, ms. @default 30000 */
  jwksCooldownMs?: number;
  /** Keys are refetched after this long even when every `kid` is known, ms. @default 600000 */
  jwksCacheMaxAgeMs?: number;
  /** Deadline of a JWKS fetch, ms. @default 5000 */
  jwksTimeoutMs?: number;
}

/** Why a token was refused: a message safe to send to the client, and the HTTP status. */
export class AuthenticationError extends Error {
  override name = 'AuthenticationError';
  constructor(
    message: string,
    /** 401 for a bad token; 503 when the keys to check it could not be fetched. */
    readonly status: 401 | 503 = 401,
  ) {
    super(message);
  }
}

export type JwtVerifier = (token: string) => Promise<CallerIdentity>;

/** Algorithms per key source; anything else (`none` above all, RFC 8725 §2.1) is refused. */
const ASYMMETRIC = ['RS256', 'ES256'];
const SYMMETRIC = ['HS256'];

/** Builds a verifier; throws on a config that cannot be safe (no key source, short secret). */
export function createJwtVerifier(config: JwtAuthConfig): JwtVerifier {
  if ((config.jwksUrl === undefined) === (config.secret === undefined)) {
    throw new Error('auth.jwt: give exactly one of jwksUrl or secret');
  }
  let key: JWTVerifyGetKey | Uint8Array;
  let algorithms: string[];
  // jose records each successful JWKS fetch here (`uat`): the key set's generation.
  const keySet: { uat?: number } = {};
  if (config.jwksUrl !== undefined) {
    assertJwksUrlSafe(config.jwksUrl);
    key = createRemoteJWKSet(new URL(config.jwksUrl), {
      cooldownDuration: config.jwksCooldownMs ?? 30_000,
      cacheMaxAge: config.jwksCacheMaxAgeMs ?? 600_000,
      timeoutDuration: config.jwksTimeoutMs ?? 5_000,
      [jwksCache]: keySet as Record<string, never>,
    });
    algorithms = ASYMMETRIC;
  } else {
    key = new TextEncoder().encode(config.secret);
    if (key.byteLength < 32) throw new Error('auth.jwt.secret: must be at least 32 bytes (HS256, RFC 7518 §3.2)');
    algorithms = SYMMETRIC;
  }
  const maxTokenAge = config.maxTokenAgeSeconds ?? 43_200;
  const options = {
    issuer: config.issuer,
    audience: config.audience,
    algorithms,
    clockTolerance: config.clockToleranceSec ?? 30,
    requiredClaims: ['exp', 'sub'],
  };
  const verified = new VerifiedTokens(() => keySet.uat);
  return async (token) => {
    const known = verified.get(token);
    if (known) return known;
    let payload: JWTPayload;
    try {
      // jwtVerify overloads differ by key type only; both branches are the same call.
      payload =
        key instanceof Uint8Array ? (await jwtVerify(token, key, options)).payload : (await jwtVerify(token, key, options)).payload;
    } catch (err) {
      throw toAuthenticationError(err);
    }
    checkType(token);
    checkLifetime(payload, maxTokenAge);
    const identity = identityOf(payload);
    verified.remember(token, identity, payload.exp);
    return identity;
  };
}

/**
 * `jwksUrl` must be https (RFC 8725 §3.9: keys fetched over an unauthenticated channel can be
 * swapped for an attacker's); http only to this machine, for tests and a local provider.
 */
export function assertJwksUrlSafe(jwksUrl: string): void {
  const url = new URL(jwksUrl);
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return;
  throw new Error(`auth.jwt.jwksUrl: must be an https URL (http only for a loopback host), got ${url.protocol}//${url.host}`);
}

/**
 * RFC 8725 §3.11 (explicit typing): when a token says what it is, it must say it is a JWT or an
 * OAuth access token (RFC 9068 `at+jwt`); a token of another type (an ID token's `typ` aside, a
 * signed logout token or a JWS of another protocol) is not a bearer token for this API.
 */
function checkType(token: string): void {
  let typ: unknown;
  try {
    typ = decodeProtectedHeader(token).typ;
  } catch {
    throw new AuthenticationError('token is malformed');
  }
  if (typ === undefined) return;
  const t = typeof typ === 'string' ? typ.toLowerCase().replace(/^application\//, '') : '';
  if (t !== 'jwt' && t !== 'at+jwt') throw new AuthenticationError('token type (typ) is not JWT');
}

function checkLifetime(payload: JWTPayload, maxSeconds: number): void {
  const start = typeof payload.iat === 'number' ? payload.iat : Math.floor(Date.now() / 1000);
  if (typeof payload.exp === 'number' && payload.exp - start > maxSeconds) {
    throw new AuthenticationError(`token lifetime exceeds ${maxSeconds} seconds`);
  }
}

/** The caller from the claims: `sub`, `roles` (array of strings), `trust` (ODS code). */
function identityOf(payload: JWTPayload): CallerIdentity {
  const { sub, roles, trust } = payload as JWTPayload & { roles?: unknown; trust?: unknown };
  if (typeof sub !== 'string' || sub === '') throw new AuthenticationError('token has no subject');
  // These travel in the signed identity header to every trust: bounded, so no token can make
  // that header outgrow a trust's HTTP header limit (issue 15, finding 6).
  if (sub.length > 256) throw new AuthenticationError('token subject is longer than 256 characters');
  if (Array.isArray(roles) && (roles.length > 32 || roles.some((r) => typeof r === 'string' && r.length > 64))) {
    throw new AuthenticationError('token roles claim is too large (at most 32 roles of 64 characters)');
  }
  if (typeof trust === 'string' && trust.length > 16) throw new AuthenticationError('token trust claim is longer than 16 characters');
  if (roles !== undefined && (!Array.isArray(roles) || !roles.every((r) => typeof r === 'string'))) {
    throw new AuthenticationError('token roles claim must be an array of strings');
  }
  if (trust !== undefined && typeof trust !== 'string') throw new AuthenticationError('token trust claim must be a string');
  return { sub, roles: (roles as string[] | undefined) ?? [], ...(trust !== undefined ? { trust } : {}), ...reporterClaims(payload) };
}

/**
 * The reporter's name and registration (network reporting): OIDC standard claims `given_name` and
 * `family_name` (OpenID Connect Core §5.1) and the `gmc` claim (7-digit GMC number). Strings only;
 * whether they are good enough to sign a report is decided where a report is written.
 */
function reporterClaims(payload: JWTPayload): Pick<CallerIdentity, 'givenName' | 'familyName' | 'gmc'> {
  const { given_name: givenName, family_name: familyName, gmc } = payload as Record<string, unknown>;
  return {
    ...(typeof givenName === 'string' ? { givenName } : {}),
    ...(typeof familyName === 'string' ? { familyName } : {}),
    ...(typeof gmc === 'string' ? { gmc } : typeof gmc === 'number' ? { gmc: String(gmc).padStart(7, '0') } : {}),
  };
}

/**
 * jose's error codes to messages that say what is wrong with the token without echoing it. A
 * failure to fetch the keys is the gateway's problem, not the caller's: 503.
 */
function toAuthenticationError(err: unknown): AuthenticationError {
  const { code, claim } = (err ?? {}) as { code?: string; claim?: string };
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return new AuthenticationError('token has expired');
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (claim === 'nbf') return new AuthenticationError('token is not yet valid');
      if (claim === 'iss') return new AuthenticationError('token has the wrong issuer');
      if (claim === 'aud') return new AuthenticationError('token has the wrong audience');
      return new AuthenticationError(`token claim ${claim ?? 'unknown'} is invalid`);
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return new AuthenticationError('token algorithm is not allowed');
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return new AuthenticationError('token signature is invalid');
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
      return new AuthenticationError('token is malformed');
    default:
      return new AuthenticationError('authentication keys are unavailable', 503);
  }
}
