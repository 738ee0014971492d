/**
 * Finding 2 (issue 15): patient data read without an audit entry. Real peers: a trust process fed
 * over MLLP, a gateway process with JWT auth, the `imaging-network audit` command on both logs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLines, bearer, postGraphql, startSecureNetwork, token, type SecureNetwork } from './security-peers.ts';

const STUDY_ID = 7;
const NHS = 8;

describe('finding 2: every response that discloses patient data is audited, whatever was selected', () => {
  let net: SecureNetwork;
  let ids: string[];
  beforeAll(async () => {
    net = await startSecureNetwork('f2');
    // Ground truth of the page, read by another user with ids selected.
    const lookup = await postGraphql(net.gateway.url, { query: '{ studies(first: 3) { edges { node { id } } } }' }, bearer(await token({ sub: 'lookup', roles: ['clinician'] })));
    ids = lookup.json.data!['studies'].edges.map((e: any) => e.node.id);
    expect(ids).toHaveLength(3);
  }, 120_000);
  afterAll(async () => net?.stop());

  it('records study(id) { patient { name birthDate } report { text } } at the gateway and at the trust', async () => {
    const res = await postGraphql(net.gateway.url, { query: `{ study(id: "${ids[0]}") { patient { name { family } birthDate } report { text } } }` }, bearer(await token({ sub: 'no-id-reader', roles: ['clinician'] })));
    expect(res.json.data!['study'].patient.name.family).toBeTruthy();
    expect(JSON.stringify(res.json)).not.toContain('__audit'); // hidden ids never reach the client
    for (const config of [net.gateway.configFile, net.trust.configFile]) {
      const lines = await auditLines(config, 'no-id-reader');
      expect(lines.map((l) => l[STUDY_ID]), config).toContain(ids[0]);
    }
  });

  it('records each study of studies { … name … } at the gateway and at the trust', async () => {
    const res = await postGraphql(net.gateway.url, { query: '{ studies(first: 3) { edges { node { patient { name { family } } } } } }' }, bearer(await token({ sub: 'name-reader', roles: ['clinician'] })));
    expect(res.json.data!['studies'].edges).toHaveLength(3);
    for (const config of [net.gateway.configFile, net.trust.configFile]) {
      const lines = await auditLines(config, 'name-reader');
      expect(new Set(lines.map((l) => l[STUDY_ID])), config).toEqual(new Set(ids));
    }
  });

  it('records a patient(nhsNumber:) lookup of an unknown NHS number', async () => {
    const unknown = '9990000115'; // valid Modulus 11, in no simulated trust
    const res = await postGraphql(net.gateway.url, { query: `{ patient(nhsNumber: "${unknown}") { sex } }` }, bearer(await token({ sub: 'prober', roles: ['clinician'] })));
    expect(res.json.data!['patient']).toBeNull();
    for (const config of [net.gateway.configFile, net.trust.configFile]) {
      const lines = await auditLines(config, 'prober');
      expect(lines.map((l) => l[NHS]), config).toContain(unknown);
    }
  });

  it('refuses a client field under the hidden audit key (it would be recorded as the study id)', async () => {
    const res = await postGraphql(net.gateway.url, { query: '{ studies(first: 1) { edges { node { __audit_gateway_id: accessionNumber } } } }' }, bearer(await token({ sub: 'spoofer', roles: ['clinician'] })));
    expect(res.json.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(await auditLines(net.gateway.configFile, 'spoofer')).toEqual([]);
  });
});
