import { describe, expect, it } from 'vitest';
import type { TrustResponse } from '../../gateway/trust-client.ts';
import { TrustFailure } from '../../gateway/trust-failure.ts';
import { encodeStudyId } from '../../schema/index.ts';
import { errorSummary, scriptedGateway, type TrustCall } from '../helpers/scripted-gateway.ts';

const A1 = encodeStudyId({ trust: 'RXA', kind: 'accession', value: 'ACC-A1' });
const A2 = encodeStudyId({ trust: 'RXA', kind: 'accession', value: 'ACC-A2' });
const B1 = encodeStudyId({ trust: 'RXB', kind: 'accession', value: 'ACC-B1' });

/** Fixture studies by id: what each trust holds. */
const HELD: Record<string, { accessionNumber: string; description: string }> = {
  [A1]: { accessionNumber: 'ACC-A1', description: 'CT head' },
  [A2]: { accessionNumber: 'ACC-A2', description: 'XR chest' },
  [B1]: { accessionNumber: 'ACC-B1', description: 'MR knee' },
};

/**
 * A trust answering `_entities` as the Federation subgraph spec says: one entry per
 * representation, in order, null for ids it does not hold. Each `__gw_e<n>` field is answered
 * from its `$__gw_r<n>` representations with the fields its selection names.
 */
function entities(call: TrustCall): TrustResponse {
  const data: Record<string, unknown> = {};
  for (const [name, reps] of Object.entries(call.variables)) {
    const alias = name.replace('__gw_r', '__gw_e');
    const selected = new RegExp(`${alias}: _entities\\([^)]*\\) \\{\\s*\\.\\.\\. on Study \\{([^}]*)\\}`).exec(call.query)![1]!.trim().split(/\s+/);
    data[alias] = (reps as Array<{ id: string }>).map(({ id }) => {
      const held = HELD[id];
      return held ? Object.fromEntries(selected.map((f) => [f, f === 'id' ? id : held[f as keyof typeof held]])) : null;
    });
  }
  return { data, errors: [] };
}

describe('Query.study (key routing)', () => {
  it('asks only the trust the id names, in ONE call for every lookup of a request', async () => {
    const gw = scriptedGateway([
      { code: 'RXA', answer: entities },
      { code: 'RXB', answer: entities },
    ]);
    const { data, errors } = await gw.run(`{ x: study(id: "${A1}") { description } y: study(id: "${A2}") { description } z: study(id: "${B1}") { description } }`);
    expect(errors).toEqual([]);
    expect(data).toEqual({ x: { description: 'CT head' }, y: { description: 'XR chest' }, z: { description: 'MR knee' } });
    expect(gw.calls.map((c) => [c.trust, Object.values(c.variables).flat().map((r) => (r as { id: string }).id)])).toEqual([
      ['RXA', [A1, A2]],
      ['RXB', [B1]],
    ]);
  });

  it('lookups with different selections share the call, one `_entities` field per selection', async () => {
    const gw = scriptedGateway([{ code: 'RXA', answer: entities }]);
    const { data } = await gw.run(`{ x: study(id: "${A1}") { description } y: study(id: "${A2}") { accessionNumber } }`);
    expect(data).toEqual({ x: { description: 'CT head' }, y: { accessionNumber: 'ACC-A2' } });
    expect(gw.calls).toHaveLength(1);
    expect(Object.keys(gw.calls[0]!.variables)).toEqual(['__gw_r0', '__gw_r1']);
  });

  it('an id that is no network study id, or names a trust outside the network, is null and asks nobody', async () => {
    const gw = scriptedGateway([{ code: 'RXA', answer: entities }]);
    const elsewhere = encodeStudyId({ trust: 'RZZ', kind: 'accession', value: 'X' });
    const { data, errors } = await gw.run(`{ a: study(id: "nonsense") { id } b: study(id: "${elsewhere}") { id } }`);
    expect(data).toEqual({ a: null, b: null });
    expect(errors).toEqual([]);
    expect(gw.calls).toEqual([]);
  });

  it('an id the trust does not hold is null, without an error', async () => {
    const gone = encodeStudyId({ trust: 'RXA', kind: 'accession', value: 'NOPE' });
    const gw = scriptedGateway([{ code: 'RXA', answer: entities }]);
    expect(await gw.run(`{ a: study(id: "${gone}") { id } b: study(id: "${A1}") { id } }`)).toEqual({ data: { a: null, b: { id: A1 } }, errors: [] });
  });
});

describe('key routing: misuse and misbehaving trusts (DataLoader-style)', () => {
  it('the same id asked twice in a request is sent once (per-request cache), answered twice', async () => {
    const gw = scriptedGateway([{ code: 'RXA', answer: entities }]);
    const { data } = await gw.run(`{ a: study(id: "${A1}") { description } b: study(id: "${A1}") { description } }`);
    expect(data).toEqual({ a: { description: 'CT head' }, b: { description: 'CT head' } });
    expect(gw.calls.map((c) => c.variables)).toEqual([{ __gw_r0: [{ __typename: 'Study', id: A1 }] }]);
  });

  it('the cache does not outlive the request: a second request asks again', async () => {
    const gw = scriptedGateway([{ code: 'RXA', answer: entities }]);
    await gw.run(`{ study(id: "${A1}") { id } }`);
    await gw.run(`{ study(id: "${A1}") { id } }`);
    expect(gw.calls).toHaveLength(2);
  });

  it('a trust that fails the call: every key of it is null with TRUST_UNAVAILABLE at its own path; other trusts answer', async () => {
    const gw = scriptedGateway([
      { code: 'RXA', answer: () => new TrustFailure('RXA', 'reset') },
      { code: 'RXB', answer: entities },
    ]);
    const { data, errors } = await gw.run(`{ x: study(id: "${A1}") { id } y: study(id: "${A2}") { id } z: study(id: "${B1}") { id } }`);
    expect(data).toEqual({ x: null, y: null, z: { id: B1 } });
    expect(errorSummary(errors)).toEqual([
      { code: 'TRUST_UNAVAILABLE', path: 'x', trust: 'RXA' },
      { code: 'TRUST_UNAVAILABLE', path: 'y', trust: 'RXA' },
    ]);
    expect(gw.lastErrors.get('RXA')).toBe('connection reset');
  });

  it('a trust the registry holds DOWN is not called', async () => {
    const gw = scriptedGateway([{ code: 'RXA', checked: 'INCOMPATIBLE', answer: entities }]);
    const { data, errors } = await gw.run(`{ study(id: "${A1}") { id } }`);
    expect(data).toEqual({ study: null });
    expect(errors.map((e) => e.message)).toEqual(['Trust RXA is unavailable: schema incompatible with the network contract']);
    expect(gw.calls).toEqual([]);
  });

  it('an error located at one entity explains that key only', async () => {
    const gw = scriptedGateway([
      {
        code: 'RXA',
        answer: (call) => {
          const r = entities(call);
          (r.data!.__gw_e0 as unknown[])[1] = null;
          return { ...r, errors: [{ message: 'store busy', path: ['__gw_e0', 1], extensions: { code: 'STORE_UNAVAILABLE' } }] };
        },
      },
    ]);
    const { data, errors } = await gw.run(`{ x: study(id: "${A1}") { id } y: study(id: "${A2}") { id } }`);
    expect(data).toEqual({ x: { id: A1 }, y: null });
    expect(errorSummary(errors)).toEqual([{ code: 'STORE_UNAVAILABLE', path: 'y', trust: 'RXA' }]);
  });

  it('an answer without the `_entities` list: every key TRUST_UNAVAILABLE, not a silent null', async () => {
    const gw = scriptedGateway([{ code: 'RXA', answer: () => ({ data: {}, errors: [] }) }]);
    const { data, errors } = await gw.run(`{ x: study(id: "${A1}") { id } }`);
    expect(data).toEqual({ x: null });
    expect(errors.map((e) => e.message)).toEqual(['Trust RXA is unavailable: answered with errors (no _entities answer)']);
  });

  it('a list of the wrong length cannot be matched to keys: the whole answer is the trust\'s failure', async () => {
    for (const wrong of [(l: unknown[]) => l.slice(1), (l: unknown[]) => [...l, { id: 'extra' }]]) {
      const gw = scriptedGateway([{ code: 'RXA', answer: (call) => ({ data: { __gw_e0: wrong(entities(call).data!.__gw_e0 as unknown[]) }, errors: [] }) }]);
      const { data, errors } = await gw.run(`{ x: study(id: "${A1}") { id } y: study(id: "${A2}") { id } }`);
      expect(data).toEqual({ x: null, y: null });
      expect(errors.map((e) => e.message)).toEqual([
        'Trust RXA is unavailable: answer is not valid JSON (wrong number of _entities)',
        'Trust RXA is unavailable: answer is not valid JSON (wrong number of _entities)',
      ]);
    }
  });
});
