import type { CallerIdentity } from '../../platform/request-signature.ts';

/**
 * Bearer tokens already verified, so a client's next request with the same token skips the
 * signature check (issue 16 profile: jose's verification was ~4 % of the gateway's busy time with
 * authentication on, the same token on every request). A remembered answer holds only while
 * everything it depended on still holds:
 * - the token has not expired (`exp`, RFC 7519 §4.1.4; no clock tolerance is granted here) and it
 *   was checked at most `maxAgeMs` ago;
 * - the keys it was checked with are still the current ones: `keys()` names the key set's
 *   generation (the time of the JWKS fetch), and a token checked under another generation is
 *   checked again, so a key the provider retired refuses its tokens as soon as the new set is
 *   fetched, exactly as without this cache.
 * Only accepted tokens are remembered; a refused one is checked (and refused) every time. The
 * other checks (issuer, audience, `nbf`, lifetime, claims) depend on the token and the config
 * only, so they hold as long as the token is the same string.
 */
export class VerifiedTokens {
  private readonly known = new Map<string, { identity: CallerIdentity; untilMs: number; keys: unknown }>();

  constructor(
    private readonly keys: () => unknown,
    private readonly maxAgeMs = 60_000,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(token: string): CallerIdentity | undefined {
    const entry = this.known.get(token);
    if (!entry) return undefined;
    if (this.now() < entry.untilMs && entry.keys === this.keys()) return entry.identity;
    this.known.delete(token);
    return undefined;
  }

  /** Remembers an accepted token; `expSeconds` is its `exp` claim. */
  remember(token: string, identity: CallerIdentity, expSeconds: number | undefined): void {
    if (typeof expSeconds !== 'number') return;
    const untilMs = Math.min(expSeconds * 1000, this.now() + this.maxAgeMs);
    if (this.known.size >= this.maxEntries) {
      // Insertion order: the oldest goes first.
      const oldest = this.known.keys().next();
      if (!oldest.done) this.known.delete(oldest.value);
    }
    this.known.set(token, { identity, untilMs, keys: this.keys() });
  }

  get size(): number {
    return this.known.size;
  }
}
