import { execute, parse, print, type GraphQLObjectType, type GraphQLResolveInfo } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildOperation, field, forwardedSelections } from '../../gateway/forward-selection.ts';
import { buildGatewaySchema } from '../../gateway/gateway-schema.ts';

/** Runs `query` against the gateway schema and returns the forwarded query for its `studies` field. */
function forward(query: string, variables: Record<string, unknown> = {}): { query: string; variables: Record<string, unknown> } {
  const schema = buildGatewaySchema();
  let captured: GraphQLResolveInfo | undefined;
  (schema.getQueryType()!.getFields().studies!).resolve = (_s, _a, _c, info) => {
    captured = info;
    return null;
  };
  const result = execute({ schema, document: parse(query), variableValues: variables });
  if ('then' in result) throw new Error('async');
  if (!captured) throw new Error(`not captured: ${JSON.stringify(result.errors)}`);
  const info = captured;
  const type = schema.getType('StudyConnection') as GraphQLObjectType;
  const selections = forwardedSelections({ schema, fragments: info.fragments }, info.fieldNodes, type);
  return buildOperation(info, [field('studies', { alias: '__gw_root', selections })]);
}

const normal = (q: string) => print(parse(q));

describe('forward-selection', () => {
  it('keeps aliases and __typename', () => {
    const out = forward('{ studies { __typename e: edges { n: node { __typename i: id } } } }');
    expect(out.query).toBe(normal('{ __gw_root: studies { __typename e: edges { n: node { __typename i: id } } } }'));
  });

  it('inlines named fragments, nested ones included, under their type condition', () => {
    const out = forward(`
      { studies { edges { node { ...S } } } }
      fragment S on Study { id ...T }
      fragment T on Study { accessionNumber }`);
    expect(out.query).toBe(normal('{ __gw_root: studies { edges { node { ... on Study { id ... on Study { accessionNumber } } } } } }'));
  });

  it('carries the variables the selection uses, with definitions and values, and no others', () => {
    const out = forward(
      `query Q($skip: Boolean!, $unused: Int, $n: Int = 3) {
        studies { edges { node { id description @skip(if: $skip) patient { studies(first: $n) { edges { cursor } } } } } }
      }`,
      { skip: true, unused: 5 },
    );
    expect(out.query).toContain('query ($skip: Boolean!, $n: Int = 3)');
    expect(out.query).not.toContain('unused');
    expect(out.variables).toEqual({ skip: true, n: 3 });
  });

  it('strips gateway-only Trust fields and adds the hidden trust code', () => {
    const out = forward('{ studies { edges { node { trust { status lastError } t: trust { name } } } } }');
    expect(out.query).toBe(normal('{ __gw_root: studies { edges { node { trust { __gw_code: code } t: trust { name __gw_code: code } } } } }'));
  });

  it('drops a fragment that selects only gateway-only fields instead of sending an empty one', () => {
    const out = forward('{ studies { unavailableTrusts { ... on Trust { status } } } }');
    expect(out.query).toBe(normal('{ __gw_root: studies { unavailableTrusts { __gw_code: code } } }'));
  });

  it('answers Study.viewerUrl and Study.dicomweb itself: strips them and asks for the hidden id, UID and image count once', () => {
    const out = forward('{ studies { edges { node { description viewerUrl dicomweb { studyUrl } } } } }');
    expect(out.query).toBe(
      normal('{ __gw_root: studies { edges { node { description __gw_studyId: id __gw_studyInstanceUid: studyInstanceUid __gw_imageCount: imageCount } } } }'),
    );
  });

  it('refuses client response keys in the gateway reserved prefix', () => {
    expect(() => forward('{ studies { __gw_edges: edges { cursor } } }')).toThrow(/reserved/);
  });
});
