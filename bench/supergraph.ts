import { composeServices } from '@apollo/composition';
import { Kind, parse, visit, type DocumentNode } from 'graphql';
import { postGraphql } from './graphql-post.ts';

/**
 * A Federation 2 supergraph for the stock gateways (@apollo/gateway, Hive Gateway), composed with
 * @apollo/composition from each subgraph's own `_service { sdl }` (Federation subgraph spec), as
 * `rover supergraph compose` would.
 *
 * One change: `@requiresScopes` is removed. The composed supergraph would link the
 * `requiresScopes` spec `for: SECURITY`, which @apollo/gateway refuses to load ("is for: SECURITY
 * but is unsupported": only Apollo Router enforces it). Our gateway does not enforce scopes yet
 * either (`auth` is reserved in its config), so without the directive all gateways do the same work.
 */
export async function composeSupergraph(subgraphs: ReadonlyArray<{ name: string; url: string }>): Promise<string> {
  const services = await Promise.all(
    subgraphs.map(async ({ name, url }) => {
      const { body } = await postGraphql(url, '{ _service { sdl } }');
      const sdl = (body as { data?: { _service?: { sdl?: string } } }).data?._service?.sdl;
      if (typeof sdl !== 'string') throw new Error(`${url} did not answer _service { sdl }`);
      return { name, url, typeDefs: withoutRequiresScopes(parse(sdl)) };
    }),
  );
  const result = composeServices(services);
  if (result.errors?.length || !result.supergraphSdl) {
    throw new Error(`composition failed: ${(result.errors ?? []).map((e) => e.message).join('; ')}`);
  }
  return result.supergraphSdl;
}

/** Drops every `@requiresScopes` use and its `@link(import:)` entry (Federation 2.5 security directive). */
export function withoutRequiresScopes(doc: DocumentNode): DocumentNode {
  return visit(doc, {
    Directive(node) {
      return node.name.value === 'requiresScopes' ? null : undefined;
    },
    ListValue(node) {
      const values = node.values.filter((v) => !(v.kind === Kind.STRING && v.value === '@requiresScopes'));
      return values.length === node.values.length ? undefined : { ...node, values };
    },
  });
}
