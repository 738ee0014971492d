import { BreakingChangeType, buildASTSchema, findBreakingChanges, type BreakingChange, type GraphQLSchema } from 'graphql';
import { stripFederation } from './federation-sdl.ts';

/**
 * Does a trust's schema implement the network contract? That is graphql-js's own question "would
 * a client of the contract break against this schema?" (`findBreakingChanges`, contract → trust):
 * a trust may serve MORE than the contract (extra types, fields, optional arguments, enum values)
 * and be stricter in what it answers (non-null where the contract is nullable), but every query
 * the gateway may forward must stay valid and its answers must fit: a type, field, argument,
 * enum value or union member removed, a type of another kind, a looser output type, an argument
 * or input field of an incompatible type, or a new REQUIRED argument or input field (the gateway
 * never sends it) is a problem. Directives are not compared (the gateway forwards only the
 * built-in `@include`/`@skip`), nor is a built-in scalar the trust does not use. Returns the
 * problems, first ones first, e.g. `Study.status: missing`; empty when compatible.
 */
export function checkContract(contract: GraphQLSchema, trust: GraphQLSchema): string[] {
  return findBreakingChanges(contract, trust).filter(matters).map(describe);
}

/** Reads a trust's `_service { sdl }` (Federation 2) and checks it; unparsable SDL is one problem. */
export function checkTrustSdl(contract: GraphQLSchema, sdl: string): string[] {
  let trust: GraphQLSchema;
  try {
    trust = buildASTSchema(stripFederation(sdl), { assumeValidSDL: true });
  } catch (err) {
    return [`schema: not readable SDL (${(err as Error).message.slice(0, 120)})`];
  }
  return checkContract(contract, trust);
}

const DIRECTIVE_CHANGES: ReadonlySet<BreakingChangeType> = new Set([
  BreakingChangeType.DIRECTIVE_REMOVED,
  BreakingChangeType.DIRECTIVE_ARG_REMOVED,
  BreakingChangeType.REQUIRED_DIRECTIVE_ARG_ADDED,
  BreakingChangeType.DIRECTIVE_REPEATABLE_REMOVED,
  BreakingChangeType.DIRECTIVE_LOCATION_REMOVED,
]);

/**
 * Directive changes do not matter (above), nor a built-in scalar the trust does not reference: a
 * contract field that needs it is reported itself.
 */
function matters(change: BreakingChange): boolean {
  if (DIRECTIVE_CHANGES.has(change.type)) return false;
  return !(change.type === BreakingChangeType.TYPE_REMOVED && change.description.startsWith('Standard scalar '));
}

/**
 * graphql-js's description, led by the schema coordinate for the commonest problems so that
 * `Trust.lastError` reads `Study.bodyPart: missing`; the others as graphql-js words them.
 */
function describe({ type, description }: BreakingChange): string {
  const text = description.replace(/\.$/, '');
  let m: RegExpExecArray | null;
  if (type === BreakingChangeType.FIELD_REMOVED && (m = /^(\S+) was removed$/.exec(text))) return `${m[1]}: missing`;
  if (type === BreakingChangeType.TYPE_REMOVED && (m = /^(\S+) was removed$/.exec(text))) return `${m[1]}: missing type`;
  if (type === BreakingChangeType.VALUE_REMOVED_FROM_ENUM && (m = /^(\S+) was removed from enum type (\S+)$/.exec(text))) return `${m[2]}.${m[1]}: missing enum value`;
  if (type === BreakingChangeType.FIELD_CHANGED_KIND && (m = /^(\S+) (changed type from .*)$/.exec(text))) return `${m[1]}: ${m[2]}`;
  if (type === BreakingChangeType.ARG_CHANGED_KIND && (m = /^(\S+) arg (\S+) has (changed type from .*)$/.exec(text))) return `${m[1]}(${m[2]}): ${m[3]}`;
  if (type === BreakingChangeType.ARG_REMOVED && (m = /^(\S+) arg (\S+) was removed$/.exec(text))) return `${m[1]}(${m[2]}): missing`;
  if (type === BreakingChangeType.REQUIRED_ARG_ADDED && (m = /^A required arg (\S+) on (\S+) was added$/.exec(text))) return `${m[2]}(${m[1]}): extra required input the network does not send`;
  return text;
}
