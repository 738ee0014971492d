import { GraphQLError, Kind, type DocumentNode, type ExecutionResult, type OperationDefinitionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ErrorCode } from '../schema/error-codes.ts';
import type { CallerIdentity } from '../platform/request-signature.ts';
import type { AuditEntry, AuditLog } from './audit-log.ts';
import { patientDataAccesses } from './patient-data-accesses.ts';
import { auditAlias, removeHiddenKeys, usesAlias, withAuditIds } from './audit-selection.ts';

/** What a failed audit write is told; never patient data. */
export interface AuditFailureLogger {
  error(obj: object, msg?: string): void;
}

export interface AuditOptions {
  log: AuditLog;
  /** `gateway`, or the trust code of a subgraph (then every row it returns is that trust's). */
  where: string;
  /** The caller. @default context.caller (set by useJwtAuth / useGatewaySignature) */
  caller?: (context: unknown) => CallerIdentity | undefined;
  logger?: AuditFailureLogger;
  /** @default () => new Date() */
  now?: () => Date;
}

/**
 * Records every patient and study a response discloses (audit/patient-data-accesses.ts), after
 * execution and before the response leaves, whatever the client selected: each study is named by
 * a hidden id added before execution and removed from the response (audit/audit-selection.ts).
 * No audit, no data: when the entry cannot be written the response is replaced by an
 * INTERNAL_SERVER_ERROR, so nothing is disclosed unrecorded.
 */
export function useAudit(options: AuditOptions): Plugin {
  const callerOf = options.caller ?? ((context: unknown) => (context as { caller?: CallerIdentity }).caller);
  const now = options.now ?? (() => new Date());
  /**
   * Records what the result disclosed and strips the hidden ids from it; when the entry cannot be
   * written the result is replaced: no audit, no data.
   */
  const record = async (
    args: { schema: Parameters<typeof patientDataAccesses>[0]['schema']; document: DocumentNode; operationName?: string | null | undefined; variableValues?: Record<string, unknown> | null | undefined; contextValue: unknown },
    document: DocumentNode,
    alias: string,
    r: ExecutionResult,
    setResult: (r: ExecutionResult) => void,
  ): Promise<void> => {
    if (!r.data) return;
    // Read what the result discloses (by the hidden ids), then strip them from it in place.
    const accesses = patientDataAccesses({
      schema: args.schema,
      document,
      operationName: args.operationName ?? null,
      variables: args.variableValues ?? {},
      data: r.data,
      ...(options.where === 'gateway' ? {} : { defaultTrust: options.where }),
    });
    removeHiddenKeys(r.data, alias);
    if (accesses.length === 0) return;
    const caller = callerOf(args.contextValue);
    const at = now().toISOString();
    const operationName = caller?.operationName ?? args.operationName ?? operationNameOf(args.document);
    const entries: AuditEntry[] = accesses.map((a) => ({
      at,
      where: options.where,
      sub: caller?.sub ?? null,
      roles: caller?.roles ?? [],
      callerTrust: caller?.trust ?? null,
      operationName,
      studyId: a.studyId,
      nhsNumber: a.nhsNumber,
      dataTrust: a.trust,
    }));
    try {
      await options.log.append(entries);
    } catch (err) {
      options.logger?.error({ kind: (err as Error)?.name, entries: entries.length }, 'audit write failed: response withheld');
      setResult({ data: null, errors: [new GraphQLError('Internal server error', { extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } })] });
    }
  };
  /**
   * The operation with the hidden audit-id selections added, and the recorder of its results, for
   * a query and a subscription alike; undefined (and `refuse`d) when the client's document uses
   * the hidden key itself.
   */
  const alias = auditAlias(options.where);
  const audited = (args: Parameters<typeof record>[0], refuse: (result: ExecutionResult) => void) => {
    // A client's own field under the hidden key would be recorded as the study id and then
    // removed: the key is reserved.
    if (usesAlias(args.document, alias)) {
      refuse({ errors: [new GraphQLError(`The response key ${alias} is reserved`, { extensions: { code: ErrorCode.BAD_USER_INPUT } })] });
      return undefined;
    }
    const document = withAuditIds(args.document, args.schema, alias);
    return {
      document,
      record: (result: unknown, setResult: unknown) => record(args, document, alias, result as ExecutionResult, setResult as (r: ExecutionResult) => void),
    };
  };
  return {
    onExecute({ args, executeFn, setExecuteFn, setResultAndStopExecution }) {
      const audit = audited(args, setResultAndStopExecution);
      if (!audit) return undefined;
      setExecuteFn((a) => executeFn({ ...a, document: audit.document }));
      return {
        async onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in Object(result)) return;
          await audit.record(result, setResult);
        },
      };
    },
    // Subscriptions (worklistChanged): every event is audited like a query's answer, before it is sent.
    onSubscribe({ args, subscribeFn, setSubscribeFn, setResultAndStopExecution }) {
      const audit = audited(args, setResultAndStopExecution);
      if (!audit) return undefined;
      setSubscribeFn((a) => subscribeFn({ ...a, document: audit.document }));
      return {
        onSubscribeResult() {
          return {
            async onNext({ result, setResult }) {
              await audit.record(result, setResult);
            },
          };
        },
      };
    },
  };
}

function operationNameOf(document: DocumentNode): string | null {
  const ops = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const [only] = ops;
  return only && ops.length === 1 ? only.name?.value ?? null : null;
}
