import { describe, expect, it } from 'vitest';
import { ConfigError, parseGatewayConfig } from '../../gateway/config.ts';

const minimal = { http: { port: 4000 }, trusts: [{ code: 'RXA', url: 'http://127.0.0.1:4101/graphql' }] };

function problem(config: unknown): string {
  try {
    parseGatewayConfig(config);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('accepted');
}

describe('parseGatewayConfig', () => {
  it('fills the defaults of the minimal config', () => {
    expect(parseGatewayConfig(minimal)).toMatchObject({
      http: { port: 4000, host: '127.0.0.1' },
      trustTimeoutMs: 2000,
      maxPageSize: 200,
      contractCheckIntervalMs: 30000,
      circuit: { failureThreshold: 5, coolDownMs: 10000 },
    });
  });

  it('shares identical trust queries in flight unless trustCalls.dedupeInFlight is false', () => {
    expect(parseGatewayConfig(minimal).trustCalls).toEqual({ dedupeInFlight: true });
    expect(parseGatewayConfig({ ...minimal, trustCalls: { dedupeInFlight: false } }).trustCalls.dedupeInFlight).toBe(false);
    expect(problem({ ...minimal, trustCalls: { dedupeInFlight: 'yes' } })).toContain('trustCalls.dedupeInFlight');
    expect(problem({ ...minimal, trustCalls: { dedupe: true } })).toContain('trustCalls');
  });

  it('accepts the security keys, with defaults for limits and audit', () => {
    const c = parseGatewayConfig({
      ...minimal,
      auth: { jwt: { secret: 'x'.repeat(32), issuer: 'iss', audience: 'aud' } },
      limits: { maxDepth: 8 },
      gatewaySecret: 's'.repeat(16),
      logLevel: 'warn',
      introspection: false,
    });
    expect(c.limits).toEqual({ maxDepth: 8, maxAliases: 30, maxCost: 20000, maxBatch: 5, maxBodyBytes: 1048576, maxResponseBytes: 8388608 });
    expect(c.audit.sqlite).toBe('./data/gateway-audit.db');
    expect(c.auth?.jwt.clockToleranceSec).toBe(30);
    expect(c.auth?.jwt.maxTokenAgeSeconds).toBe(43200);
    // Issue 15, findings 4 and 5: IDE and introspection off, no CORS origins, unless configured.
    expect([parseGatewayConfig(minimal).ide, parseGatewayConfig(minimal).introspection, parseGatewayConfig(minimal).cors.origins]).toEqual([false, false, []]);
  });

  it.each([
    [{ auth: {} }, 'auth.jwt: is required'],
    [{ auth: { jwt: { issuer: 'i', audience: 'a' } } }, 'auth.jwt: set exactly one of jwksUrl or secret'],
    [{ auth: { jwt: { secret: 'short', issuer: 'i', audience: 'a' } } }, 'auth.jwt.secret: must be at least 32 characters'],
    [{ gatewaySecret: 'x' }, 'gatewaySecret: must be at least 16 characters'],
    [{ auth: { jwt: { jwksUrl: 'http://idp.example.invalid/jwks', issuer: 'i', audience: 'a' } } }, 'auth.jwt.jwksUrl: jwksUrl must be https (http only for a loopback host)'],
    [{ cors: { origins: ['https://app.example.invalid/path'] } }, 'cors.origins[0]: must be an origin'],
  ])('names the wrong security key', (extra, message) => {
    expect(() => parseGatewayConfig({ ...minimal, ...extra })).toThrow(message);
  });

  it.each([
    [{ ...minimal, trusts: [...minimal.trusts, { code: 'RXB', url: 'ftp://x' }] }, 'trusts[1].url: must be an http(s) URL'],
    [{ ...minimal, trusts: [...minimal.trusts, { code: 'RXA', url: 'http://x' }] }, 'trusts[1].code: duplicate trust code RXA'],
    [{ ...minimal, trusts: [{ code: 'XYZ1', url: 'http://x' }] }, 'trusts[0].code: must be an ODS trust code'],
    [{ ...minimal, trusts: [] }, 'trusts: must list at least one trust'],
    [{ trusts: minimal.trusts }, 'http: is required'],
    [{ ...minimal, http: {} }, 'http.port: is required'],
    [{ ...minimal, http: { port: 70000 } }, 'http.port: must be from 0 to 65535'],
    [{ ...minimal, trustTimeotMs: 5 }, 'trustTimeotMs: unknown key'],
    [{ ...minimal, circuit: { failureThreshold: 0 } }, 'circuit.failureThreshold: must be a positive integer'],
    [{ ...minimal, trusts: [{ code: 'RXA', url: 'http://x', nmae: 'A' }] }, 'trusts[0].nmae: unknown key'],
  ])('names the key: %#', (config, expected) => {
    expect(problem(config)).toContain(expected);
  });
});
