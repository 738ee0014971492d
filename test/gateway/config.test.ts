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

  it('accepts the reserved top-level keys', () => {
    expect(() => parseGatewayConfig({ ...minimal, auth: {}, limits: {}, gatewaySecret: 'x', logLevel: 'warn', capacity: {} })).not.toThrow();
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
