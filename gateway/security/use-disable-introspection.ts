import type { ASTVisitor, ValidationContext } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';

/**
 * Refuses `__schema` and `__type` as a validation error, as graphql-js's
 * NoSchemaIntrospectionCustomRule does (GraphQL spec §4 "Introspection"), for deployments that do
 * not publish their schema. `__typename` stays: clients need it. Written here rather than reusing
 * graphql-js's rule so the error belongs to the graphql copy yoga runs on (see use-limits.ts).
 * Add the plugin only when introspection is off (config `introspection: false`).
 */
export function useDisableIntrospection(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(noSchemaIntrospection);
    },
  };
}

function noSchemaIntrospection(context: ValidationContext): ASTVisitor {
  return {
    Field(node) {
      const name = node.name.value;
      if (name === '__schema' || name === '__type') {
        context.reportError(
          createGraphQLError(`GraphQL introspection has been disabled, but the requested query contained the field "${name}".`, { nodes: [node] }) as never,
        );
      }
    },
  };
}
