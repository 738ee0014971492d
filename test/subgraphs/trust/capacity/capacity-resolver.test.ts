import { describe, expect, it, vi } from 'vitest';
import { GraphQLError } from 'graphql';
import { capacityResolver, type CapacityContext } from '../../../../subgraphs/trust/capacity/capacity-resolver.ts';
import { NOW, ORDERS, REPORTS, SCANNERS } from './capacity-fixture.ts';

function context(): CapacityContext & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    clock: () => NOW,
    config: { code: 'RXA', name: 'Synthetic Hospitals NHS Trust', capacity: { scanners: SCANNERS } },
    store: {
      findOrders: vi.fn(() => {
        calls.push('findOrders');
        return ORDERS;
      }),
      reportsByAccession: vi.fn((accessions: readonly string[]) => {
        calls.push(`reports:${accessions.length}`);
        return new Map([...REPORTS].filter(([a]) => accessions.includes(a)));
      }),
    },
  };
}

function badInput(fn: () => unknown): GraphQLError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(GraphQLError);
    expect((err as GraphQLError).extensions.code).toBe('BAD_USER_INPUT');
    return err as GraphQLError;
  }
  throw new Error('expected BAD_USER_INPUT');
}

describe('capacityResolver', () => {
  it('answers the trust as { code, name } on TRUST rows, null elsewhere; no unavailable trusts', async () => {
    const ctx = context();
    const report = await capacityResolver(null, { groupBy: ['TRUST', 'MODALITY', 'TRUST'] }, ctx);
    expect(report.rows).toHaveLength(4);
    expect(report.rows[0]!.trust).toEqual({ code: 'RXA', name: 'Synthetic Hospitals NHS Trust' });
    expect(report.total.trust).toBeNull();
    expect(report.total.requested).toBe(7);
    expect(report.unavailableTrusts).toEqual([]);
    // One read of all orders and one batched read of their reports.
    expect(ctx.calls).toEqual(['findOrders', `reports:${ORDERS.length}`]);
  });

  it('names filter.from when it is after filter.to (given or defaulted to now)', async () => {
    const ctx = context();
    expect(badInput(() => capacityResolver(null, { filter: { from: '2026-06-10T00:00:00Z', to: '2026-06-01T00:00:00Z' } }, ctx)).extensions.argument).toBe('filter.from');
    expect(badInput(() => capacityResolver(null, { filter: { from: '2026-07-01T00:00:00+01:00' } }, ctx)).message).toContain('default: now');
    expect(badInput(() => capacityResolver(null, { filter: { to: 'yesterday' } }, ctx)).extensions.argument).toBe('filter.to');
    expect(badInput(() => capacityResolver(null, { filter: { trusts: ['nope'] } }, ctx)).extensions.argument).toBe('filter.trusts');
    expect(badInput(() => capacityResolver(null, { groupBy: ['COLOUR'] }, ctx)).extensions.argument).toBe('groupBy');
    expect(ctx.calls).toEqual([]);
  });

  it('a trust filter that leaves this trust out answers empty rows and a zero total without reading the store', async () => {
    const ctx = context();
    const report = await capacityResolver(null, { filter: { trusts: ['RYY'] }, groupBy: ['MODALITY'] }, ctx);
    expect(report.rows).toEqual([]);
    expect(report.total).toMatchObject({ requested: 0, performed: 0, unreported: 0, scannerCapacity: null });
    expect(ctx.calls).toEqual([]);
  });

  it('an explicit window counts only its events', async () => {
    const report = await capacityResolver(null, { filter: { trusts: ['RXA'], from: '2026-06-02T00:00:00+01:00', to: '2026-06-02T23:59:59+01:00' } }, context());
    // A1 and A2 were requested on 2 June.
    expect(report.total).toMatchObject({ requested: 2, performed: 0 });
  });
});
