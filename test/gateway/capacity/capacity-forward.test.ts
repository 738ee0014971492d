import { describe, expect, it } from 'vitest';
import { execute, parse, print, validate, type FieldNode, type OperationDefinitionNode } from 'graphql';
import { CAPACITY_KEY, capacityForwardField, readTrustCapacity, toGatewayCapacity } from '../../../gateway/capacity/capacity-forward.ts';
import { mergeCapacity } from '../../../gateway/capacity/merge-capacity.ts';
import { buildContractSchema, buildGatewaySchema } from '../../../gateway/gateway-schema.ts';
import { aliasFieldResolver, gatewayObject } from '../../../gateway/alias-field-resolver.ts';
import { capacityResolver } from '../../../subgraphs/trust/capacity/capacity-resolver.ts';
import { NOW, ORDERS, REPORTS, SCANNERS } from '../../subgraphs/trust/capacity/capacity-fixture.ts';

const CLIENT = /* GraphQL */ `
  query Plan($f: CapacityFilter) {
    report: capacity(filter: $f, groupBy: [TRUST, MODALITY]) {
      lines: rows { t: trust { code } m: modality waiting: unreported tat: performedToReported { median: p50 } }
      total { ...Totals }
    }
  }
  fragment Totals on CapacityRow { requested utilisation requestToPerformed { count } }
`;

function clientField(): FieldNode {
  const op = parse(CLIENT).definitions[0] as OperationDefinitionNode;
  return op.selectionSet.selections[0] as FieldNode;
}

/** What a trust answers to the forwarded field (executed against the contract by the trust resolver). */
async function trustAnswer(query: string, variables: Record<string, unknown>) {
  const schema = buildContractSchema();
  const ctx = { clock: () => NOW, config: { code: 'RXA', name: 'Synthetic A NHS Trust', capacity: { scanners: SCANNERS } }, store: { findOrders: () => ORDERS, reportsByAccession: () => REPORTS } };
  const result = await execute({ schema, document: parse(query), variableValues: variables, contextValue: ctx, rootValue: { capacity: (args: never) => capacityResolver(null, args, ctx) } });
  expect(result.errors).toBeUndefined();
  return JSON.parse(JSON.stringify(result.data)) as Record<string, unknown>;
}

describe('capacity forwarding', () => {
  const forwarded = `query($f: CapacityFilter) { ${print(capacityForwardField(clientField()))} }`;

  it('sends the client\'s arguments with the gateway\'s full selection under hidden keys; valid against the contract', () => {
    expect(validate(buildContractSchema(), parse(forwarded))).toEqual([]);
    expect(forwarded).toContain(`${CAPACITY_KEY}: capacity(filter: $f, groupBy: [TRUST, MODALITY])`);
    for (const f of ['__gw_rows: rows', '__gw_total: total', 'sketch', 'scannerCapacity', 'utilisation', 'reportedWithin4WeeksPercent']) expect(forwarded).toContain(f);
    expect(forwarded).not.toContain('lines');
  });

  it('the merged report answers the client\'s own selection (aliases, fragments) and nothing hidden leaks', async () => {
    const data = await trustAnswer(forwarded, { f: { trusts: ['RXA'] } });
    const report = readTrustCapacity(data);
    expect(report.rows).toHaveLength(4);
    const merged = toGatewayCapacity(mergeCapacity([{ trust: 'RXA', report }]));
    const result = await execute({
      schema: buildGatewaySchema(),
      document: parse(CLIENT),
      variableValues: { f: { trusts: ['RXA'] } },
      // Stands in for the gateway's root resolver, which returns the merged report.
      rootValue: gatewayObject({ capacity: merged }),
      fieldResolver: aliasFieldResolver,
    });
    expect(result.errors).toBeUndefined();
    const out = JSON.parse(JSON.stringify(result.data)) as { report: { lines: Array<Record<string, unknown>>; total: Record<string, unknown> } };
    expect(out.report.lines[0]).toMatchObject({ t: { code: 'RXA' }, m: 'CT', waiting: 2 });
    expect((out.report.lines[0]!.tat as { median: number }).median).toBeCloseTo(24, 0);
    expect(out.report.total).toMatchObject({ requested: 7, requestToPerformed: { count: 6 } });
    expect(JSON.stringify(out)).not.toContain('__gw_');
    expect(JSON.stringify(out)).not.toContain('sketch');
  });

  it('a trust answer without the report is refused (the trust counts as unavailable)', () => {
    expect(() => readTrustCapacity(null)).toThrow(/no capacity report/);
    expect(() => readTrustCapacity({ [CAPACITY_KEY]: null })).toThrow(/no capacity report/);
  });
});
