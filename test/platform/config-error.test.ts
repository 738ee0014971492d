import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, parseConfig } from '../../platform/config-error.ts';
import { ConfigError as GatewayConfigError } from '../../gateway/config.ts';
import { ConfigError as TrustConfigError, parseTrustConfig } from '../../subgraphs/trust/config.ts';

const schema = z.strictObject({ http: z.strictObject({ port: z.number().int('must be an integer') }), trusts: z.array(z.strictObject({ url: z.string() })) });

describe('one ConfigError and one issue formatter for both configs', () => {
  it('names every bad key as it is written in the file, one per line', () => {
    expect(() => parseConfig(schema, { http: { port: 1.5, prot: 1 }, trusts: [{ url: 'x' }, { url: 3, nmae: 'A' }], extra: true }, 'test')).toThrow(
      new ConfigError(['invalid test config:', 'http.port: must be an integer', 'http.prot: unknown key', 'trusts[1].url: Invalid input: expected string, received number', 'trusts[1].nmae: unknown key', 'extra: unknown key'].join('\n')),
    );
  });

  it('the gateway and the trust throw the same class', () => {
    expect(GatewayConfigError).toBe(ConfigError);
    expect(TrustConfigError).toBe(ConfigError);
    expect(() => parseTrustConfig({ code: 'RXA', typo: 1 })).toThrow(ConfigError);
  });
});
