import { describe, expect, it } from 'vitest';
import { assertLoopbackWhenUnauthenticated, isLoopbackHost } from '../../platform/loopback-guard.ts';

describe('assertLoopbackWhenUnauthenticated', () => {
  it('knows loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.5', 'example.org', '128.0.0.1']) expect(isLoopbackHost(h), h).toBe(false);
  });

  it('without auth: refuses a non-loopback host, warns on loopback', () => {
    const warnings: string[] = [];
    const log = { warn: (_o: object, msg?: string) => void warnings.push(msg ?? '') };
    expect(() => assertLoopbackWhenUnauthenticated('0.0.0.0', false, log)).toThrow(/^http\.host: 0\.0\.0\.0 is not a loopback address/);
    expect(warnings).toEqual([]);
    assertLoopbackWhenUnauthenticated('127.0.0.1', false, log);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/authentication is off/);
  });

  it('with auth: any host, no warning', () => {
    const warnings: string[] = [];
    assertLoopbackWhenUnauthenticated('0.0.0.0', true, { warn: () => void warnings.push('w') });
    expect(warnings).toEqual([]);
  });
});
