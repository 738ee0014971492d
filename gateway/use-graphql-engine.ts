import { execute, parse, specifiedRules, subscribe, validate } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Parses, validates and executes with the SAME `graphql` module that built the gateway schema.
 * graphql-js refuses a schema from another copy of itself ("from another module or realm"); a
 * runner that resolves `graphql` to its ESM build for our code but to its CJS build for yoga (as
 * vitest does) would otherwise split the two. Validation uses this module's specified rules
 * (GraphQL spec §5) for the same reason: rules check types with `instanceof`.
 */
export function useGraphqlEngine(): Plugin {
  return {
    onParse: ({ setParseFn }) => setParseFn(parse),
    onValidate: ({ setValidationFn }) =>
      setValidationFn((schema, document, _rules, options, typeInfo) => validate(schema, document, specifiedRules, options, typeInfo)),
    onExecute: ({ setExecuteFn }) => setExecuteFn(execute),
    onSubscribe: ({ setSubscribeFn }) => setSubscribeFn(subscribe),
  };
}
