import {
  defaultFieldResolver,
  GraphQLError,
  isInterfaceType,
  isObjectType,
  Kind,
  parse,
  type ConstValueNode,
  type FieldDefinitionNode,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import { ErrorCode } from './error-codes.ts';

/**
 * Who may read what, as the SDL declares it with Federation 2's `@requiresScopes(scopes: [[…]])`
 * (Apollo Federation directives, "@requiresScopes"): the outer list is OR, each inner list AND.
 * Key: `Type.field`. A field missing from the policy is open to every authenticated caller.
 */
export type RolePolicy = Map<string, string[][]>;

/** The roles of the caller, or undefined when authentication is off (development: allow all). */
export type RolesOf<TContext> = (context: TContext) => readonly string[] | undefined;

/**
 * Arguments that filter by a protected value: filtering by it reveals it, so the caller needs the
 * roles that may read the value itself (StudyFilter.nhsNumber: "Clinicians only").
 */
const ARGUMENT_RULES: readonly { field: string; argument: readonly string[]; readableAs: string }[] = [
  { field: 'Query.studies', argument: ['filter', 'nhsNumber'], readableAs: 'Patient.nhsNumber' },
];

/** Reads the `@requiresScopes` directives of every object and interface field of `sdl`. */
export function readRolePolicy(sdl: string): RolePolicy {
  const policy: RolePolicy = new Map();
  for (const def of parse(sdl).definitions) {
    if (
      def.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      def.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      def.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
      def.kind !== Kind.INTERFACE_TYPE_EXTENSION
    ) {
      continue;
    }
    for (const field of def.fields ?? []) {
      const scopes = scopesOf(field);
      if (scopes) policy.set(`${def.name.value}.${field.name.value}`, scopes);
    }
  }
  return policy;
}

function scopesOf(field: FieldDefinitionNode): string[][] | undefined {
  const directive = field.directives?.find((d) => d.name.value === 'requiresScopes');
  if (!directive) return undefined;
  const arg = directive.arguments?.find((a) => a.name.value === 'scopes');
  const where = `@requiresScopes on ${field.name.value}`;
  if (!arg || arg.value.kind !== Kind.LIST) throw new Error(`${where}: scopes must be a list of lists of strings`);
  return arg.value.values.map((inner: ConstValueNode) => {
    // GraphQL input coercion: a single value where a list is expected is a list of one.
    const items = inner.kind === Kind.LIST ? inner.values : [inner];
    return items.map((item) => {
      if (item.kind !== Kind.STRING) throw new Error(`${where}: scopes must be strings`);
      return item.value;
    });
  });
}

/** True when `roles` hold every scope of at least one alternative. */
export function satisfies(roles: readonly string[], scopes: readonly (readonly string[])[]): boolean {
  return scopes.some((all) => all.every((scope) => roles.includes(scope)));
}

/** `role clinician`, `role analyst or clinician`, `roles a and b`. */
export function describeScopes(scopes: readonly (readonly string[])[]): string {
  const many = scopes.some((all) => all.length > 1);
  return `${many ? 'roles' : 'role'} ${scopes.map((all) => all.join(' and ')).join(' or ')}`;
}

export function forbidden(what: string, scopes: readonly (readonly string[])[]): GraphQLError {
  return new GraphQLError(`Forbidden: ${what} needs ${describeScopes(scopes)}`, {
    extensions: { code: ErrorCode.FORBIDDEN },
  });
}

/**
 * Wraps, in place, the resolver of every field of `policy` so that a caller without the roles gets
 * `null` plus a FORBIDDEN error at that path and the rest of the response stands (graphql-js
 * "Handling Field Errors": the fields are nullable for that reason). The resolver in place at
 * wrap time is kept, else graphql-js's default: a gateway sets its alias-aware resolvers first.
 * Federation's `Query._entities` reaches studies by key as `Query.study` does, so it gets that
 * field's scopes. Returns `schema`; throws when the policy names a field the schema lacks.
 */
export function applyRolePolicy<TContext>(schema: GraphQLSchema, policy: RolePolicy, getRoles: RolesOf<TContext>): GraphQLSchema {
  const effective = new Map(policy);
  const studyScopes = policy.get('Query.study');
  if (studyScopes && !policy.has('Query._entities') && schema.getQueryType()?.getFields()._entities) {
    effective.set('Query._entities', studyScopes);
  }
  for (const [coordinate, scopes] of effective) {
    const [typeName, fieldName] = coordinate.split('.') as [string, string];
    const type = schema.getType(typeName);
    // An interface field is resolved by its implementations: each gets the interface's scopes.
    if (isInterfaceType(type) && type.getFields()[fieldName]) {
      for (const impl of schema.getPossibleTypes(type)) {
        const at = `${impl.name}.${fieldName}`;
        if (!effective.has(at)) effective.set(at, scopes);
      }
      continue;
    }
    const field = isObjectType(type) ? type.getFields()[fieldName] : undefined;
    if (!field) throw new Error(`role policy names ${coordinate}, which the schema does not have`);
    const argumentRules = ARGUMENT_RULES.filter((r) => r.field === coordinate)
      .map((r) => ({ ...r, scopes: policy.get(r.readableAs) }))
      .filter((r): r is typeof r & { scopes: string[][] } => r.scopes !== undefined);
    const inner: GraphQLFieldResolver<unknown, TContext> = field.resolve ?? defaultFieldResolver;
    field.resolve = (source, args, context, info) => {
      const roles = getRoles(context);
      if (roles !== undefined) {
        if (!satisfies(roles, scopes)) throw forbidden(coordinate, scopes);
        for (const rule of argumentRules) {
          if (valueAt(args, rule.argument) != null && !satisfies(roles, rule.scopes)) {
            throw forbidden(rule.argument.join('.'), rule.scopes);
          }
        }
      }
      return inner(source, args, context, info);
    };
  }
  return schema;
}

function valueAt(args: Record<string, unknown>, path: readonly string[]): unknown {
  let value: unknown = args;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * The `getRoles` both servers pass: with authentication on, the verified caller's roles, and no
 * roles at all when there is no caller (fail closed: only unprotected fields such as `trusts`);
 * with it off (development, loopback only), undefined: everything is allowed.
 */
export function callerRoles(authEnabled: boolean): RolesOf<{ caller?: { roles: readonly string[] } }> {
  return authEnabled ? (context) => context.caller?.roles ?? [] : () => undefined;
}
