import {
  buildASTSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLArgument,
  type GraphQLInputField,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';
import { stripFederation } from './federation-sdl.ts';

/**
 * Does a trust's schema implement the network contract? A trust may serve MORE than the contract
 * (extra types, fields, nullable arguments, enum values) but every query the gateway may forward
 * must be valid against it and its answers must fit the contract:
 * - every contract type exists with the same kind;
 * - every field exists; its output type has the same named type and is at least as strict
 *   (the trust may be non-null where the contract is nullable, never the other way round);
 * - every contract argument and input field exists with exactly the same type; extra trust
 *   arguments and input fields must be optional (nullable or with a default), or the gateway's
 *   queries would be invalid;
 * - every contract enum value exists; every contract union member is a member.
 * Returns the problems, first ones first, e.g. `Study.status: missing`; empty when compatible.
 */
export function checkContract(contract: GraphQLSchema, trust: GraphQLSchema): string[] {
  const problems: string[] = [];
  for (const type of Object.values(contract.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    const theirs = trust.getType(type.name);
    if (!theirs) {
      problems.push(`${type.name}: missing type`);
      continue;
    }
    if (kindOf(theirs) !== kindOf(type)) {
      problems.push(`${type.name}: is ${kindOf(theirs)}, expected ${kindOf(type)}`);
      continue;
    }
    checkType(type, theirs, problems);
  }
  return problems;
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

function kindOf(type: GraphQLNamedType): string {
  if (isObjectType(type)) return 'an object type';
  if (isInterfaceType(type)) return 'an interface';
  if (isUnionType(type)) return 'a union';
  if (isEnumType(type)) return 'an enum';
  if (isInputObjectType(type)) return 'an input type';
  return isScalarType(type) ? 'a scalar' : 'unknown';
}

function checkType(ours: GraphQLNamedType, theirs: GraphQLNamedType, problems: string[]): void {
  if ((isObjectType(ours) || isInterfaceType(ours)) && (isObjectType(theirs) || isInterfaceType(theirs))) {
    const theirFields = theirs.getFields();
    for (const field of Object.values(ours.getFields())) {
      const where = `${ours.name}.${field.name}`;
      const t = theirFields[field.name];
      if (!t) {
        problems.push(`${where}: missing`);
        continue;
      }
      const why = outputProblem(field.type, t.type);
      if (why) problems.push(`${where}: type ${String(t.type)} ${why} ${String(field.type)}`);
      checkArguments(where, field.args, t.args, problems);
    }
  } else if (isInputObjectType(ours) && isInputObjectType(theirs)) {
    checkArguments(ours.name, Object.values(ours.getFields()), Object.values(theirs.getFields()), problems, '.');
  } else if (isEnumType(ours) && isEnumType(theirs)) {
    const values = new Set(theirs.getValues().map((v) => v.name));
    for (const v of ours.getValues()) if (!values.has(v.name)) problems.push(`${ours.name}.${v.name}: missing enum value`);
  } else if (isUnionType(ours) && isUnionType(theirs)) {
    const members = new Set(theirs.getTypes().map((t) => t.name));
    for (const m of ours.getTypes()) if (!members.has(m.name)) problems.push(`${ours.name}: missing member ${m.name}`);
  }
}

/** Output types are covariant: same named type, the trust at least as strict. */
function outputProblem(ours: GraphQLOutputType, theirs: GraphQLOutputType): string | undefined {
  if (isNonNullType(ours)) {
    if (!isNonNullType(theirs)) return 'is looser than';
    return outputProblem(ours.ofType, theirs.ofType);
  }
  if (isNonNullType(theirs)) return outputProblem(ours, theirs.ofType);
  if (isListType(ours) || isListType(theirs)) {
    if (!isListType(ours) || !isListType(theirs)) return 'differs from';
    return outputProblem(ours.ofType, theirs.ofType);
  }
  return ours.name === theirs.name ? undefined : 'differs from';
}

type InputLike = GraphQLArgument | GraphQLInputField;

/** Inputs must match exactly: the gateway sends values typed by the contract. */
function checkArguments(where: string, ours: readonly InputLike[], theirs: readonly InputLike[], problems: string[], sep = ''): void {
  const byName = new Map(theirs.map((a) => [a.name, a]));
  const label = (name: string) => (sep ? `${where}${sep}${name}` : `${where}(${name})`);
  for (const arg of ours) {
    const t = byName.get(arg.name);
    if (!t) problems.push(`${label(arg.name)}: missing`);
    else if (String(t.type) !== String(arg.type)) problems.push(`${label(arg.name)}: type ${String(t.type)}, expected ${String(arg.type)}`);
  }
  const known = new Set(ours.map((a) => a.name));
  for (const t of theirs) {
    if (!known.has(t.name) && isNonNullType(t.type) && t.defaultValue === undefined) {
      problems.push(`${label(t.name)}: extra required input the network does not send`);
    }
  }
}
