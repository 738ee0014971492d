import { execute, parse, specifiedRules, validate, type ValidationRule } from 'graphql';
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
    // Rules other plugins add (use-disable-introspection) are kept: only yoga's copies of the
    // specified rules are swapped for this module's (issue 15, finding 4: they were all dropped).
    onValidate: ({ setValidationFn }) =>
      setValidationFn((schema, document, rules, options, typeInfo) => validate(schema, document, [...specifiedRules, ...addedRules(rules)], options, typeInfo)),
    onExecute: ({ setExecuteFn }) => setExecuteFn(execute),
  };
}

const SPECIFIED = new Set(specifiedRules.map((rule) => rule.name));

/** The rules beyond the specified ones (recognised by name: yoga's copies are other functions). */
function addedRules(rules: readonly ValidationRule[] | undefined): ValidationRule[] {
  return (rules ?? []).filter((rule) => !SPECIFIED.has(rule.name));
}
