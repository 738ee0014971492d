import { describe, expect, it } from 'vitest';
import { assertMllpBindAllowed } from '../../../../subgraphs/trust/security/mllp-bind-guard.ts';

describe('assertMllpBindAllowed', () => {
  it('allows loopback, or any address with TLS or an address allow-list', () => {
    expect(() => assertMllpBindAllowed({ host: '127.0.0.1' })).not.toThrow();
    expect(() => assertMllpBindAllowed({ host: '0.0.0.0', tls: { cert: 'c', key: 'k' } })).not.toThrow();
    expect(() => assertMllpBindAllowed({ host: '10.1.2.3', allowedAddresses: ['10.1.2.4'] })).not.toThrow();
  });
  it('refuses a non-loopback bind with neither, naming mllp.host', () => {
    expect(() => assertMllpBindAllowed({ host: '0.0.0.0' })).toThrow(/mllp\.host/);
    expect(() => assertMllpBindAllowed({ host: '10.1.2.3', allowedAddresses: [] })).toThrow(/mllp\.tls or mllp\.allowedAddresses/);
  });
});
