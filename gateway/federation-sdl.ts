import { parse, visit, type DocumentNode } from 'graphql';

/**
 * Federation 2 SDL as a plain GraphQL SDL: drops `extend schema @link(…)` and every directive
 * usage and definition that is not a built-in one (`@key`, `@shareable`, …), so `buildASTSchema`
 * can read it. Types are kept: a subgraph's `_service.sdl` may define `_Any`, `_Entity`, `link__*`.
 * The gateway executes against the network types, not the federation machinery.
 */
const BUILT_IN_DIRECTIVES = new Set(['deprecated', 'specifiedBy', 'include', 'skip', 'oneOf']);

export function stripFederation(sdl: string): DocumentNode {
  const doc = parse(sdl);
  return visit(doc, {
    SchemaExtension(node) {
      return node.directives?.some((d) => d.name.value === 'link') && !node.operationTypes?.length ? null : undefined;
    },
    DirectiveDefinition(node) {
      return BUILT_IN_DIRECTIVES.has(node.name.value) ? undefined : null;
    },
    Directive(node) {
      return BUILT_IN_DIRECTIVES.has(node.name.value) ? undefined : null;
    },
  }) as DocumentNode;
}

