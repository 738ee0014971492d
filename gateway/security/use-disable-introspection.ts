import { NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Refuses `__schema` and `__type` as a validation error with graphql-js's own
 * NoSchemaIntrospectionCustomRule (GraphQL spec §4 "Introspection"), for deployments that do not
 * publish their schema. `__typename` stays: clients need it. Add the plugin only when
 * introspection is off (config `introspection: false`).
 */
export function useDisableIntrospection(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}
