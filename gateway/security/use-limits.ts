import { GraphQLError, type DocumentNode, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { readBoundedBody } from '../../platform/bounded-body.ts';
import { ErrorCode } from '../../schema/error-codes.ts';
import { jsonErrorResponse } from './json-error-response.ts';
import { measureOperation } from './query-measure.ts';
import { isAsyncIterable } from '../../platform/use-partial-errors.ts';

export interface QueryLimits {
  /** Deepest field nesting. @default 12 */
  maxDepth?: number;
  /** Aliased fields in one operation (alias bombs multiply work without growing the schema). @default 30 */
  maxAliases?: number;
  /** Estimated rows: `first` × the pages above it × trusts, summed (see query-measure.ts). @default 20000 */
  maxCost?: number;
  /** Operations in one batched (array) request. @default 5 */
  maxBatch?: number;
  /** Request body, bytes; larger → HTTP 413. @default 1048576 (1 MiB) */
  maxBodyBytes?: number;
  /**
   * Serialised response, bytes; a larger result is replaced by a QUERY_TOO_COMPLEX error (no
   * data), a backstop for whatever the measures above let through. @default 8388608 (8 MiB)
   */
  maxResponseBytes?: number;
  /** Fan-out width used by the cost: how many trusts a root list asks. @default 1 */
  trusts?: number | (() => number);
}

/**
 * Field selections with fragments expanded. Not a tuning knob: fragments spread twice inside
 * fragments double at each level, so a short document can expand to millions of fields; no real
 * query of the network schema comes near this.
 */
const FIELD_BUDGET = 5000;

export const DEFAULT_LIMITS = { maxDepth: 12, maxAliases: 30, maxCost: 20_000, maxBatch: 5, maxBodyBytes: 1024 * 1024, maxResponseBytes: 8 * 1024 * 1024 } as const;

/** QUERY_TOO_COMPLEX with the HTTP status yoga answers it with. */
function tooComplex(message: string, status = 400) {
  return new GraphQLError(message, { extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, http: { status } } });
}

/**
 * Refuses what would be expensive before any work: an oversized body (413, before parsing), a
 * batch larger than `maxBatch`, and, before validation (graphql-js's OverlappingFieldsCanBeMerged
 * is quadratic in aliases, so it must not see an alias bomb), depth and aliases. The cost needs
 * the variables, so it is checked at execute, still before any resolver fans out. Validation
 * results are cached per document by yoga; only the document-only limits are applied there.
 */
export function useLimits(options: QueryLimits = {}): Plugin {
  const limits = { ...DEFAULT_LIMITS, ...definedOnly(options) };
  const trusts = typeof options.trusts === 'function' ? options.trusts : () => (options.trusts as number | undefined) ?? 1;
  const bodyTooLarge = () => jsonErrorResponse(413, `Request body larger than ${limits.maxBodyBytes} bytes`, ErrorCode.QUERY_TOO_COMPLEX);
  return {
    onRequestParse({ request, requestParser, setRequestParser, endResponse, fetchAPI }) {
      const header = request.headers.get('content-length');
      // Only a plain decimal is a length (RFC 9110 §8.6); anything else is counted as it is read.
      const length = header !== null && /^\d+$/.test(header) ? header : null;
      if (length !== null && Number(length) > limits.maxBodyBytes) return endResponse(bodyTooLarge());
      // With a Content-Length, Node's HTTP parser (llhttp) delivers exactly that many bytes as the
      // body (RFC 9112 §6.3; a message with both Content-Length and chunked Transfer-Encoding, or a
      // malformed length, is refused with 400 before it gets here): the length checked above is the
      // body's, and reading it through a counting copy would only cost (issue 16 profile: a stream
      // pipeline, an AbortController and a second Request per request).
      if (requestParser && request.body && length === null) {
        const parse = requestParser;
        // Chunked bodies have no length: count while reading, stop at the limit.
        setRequestParser(async (req) => {
          if (!req.body) return parse(req);
          const body = await readBoundedBody(req, limits.maxBodyBytes);
          if (body === undefined) return bodyTooLarge();
          return parse(new fetchAPI.Request(req.url, { method: req.method, headers: req.headers, body }));
        });
      }
      return {
        onRequestParseDone({ requestParserResult }) {
          if (Array.isArray(requestParserResult) && requestParserResult.length > limits.maxBatch) {
            throw tooComplex(`Batch of ${requestParserResult.length} operations exceeds the limit of ${limits.maxBatch}`);
          }
        },
      };
    },
    onValidate({ params, context, setResult }) {
      const operationName = (context as { params?: { operationName?: string | null } }).params?.operationName ?? null;
      const m = documentMeasure(params.documentAST, operationName, () => measureOperation(params.documentAST, { schema: params.schema, operationName, budget: FIELD_BUDGET }));
      if (m.fields > FIELD_BUDGET) setResult([tooComplex(`Query selects more than ${FIELD_BUDGET} fields (fragments expanded)`)]);
      else if (m.depth > limits.maxDepth) setResult([tooComplex(`Query depth ${m.depth} exceeds the limit of ${limits.maxDepth}`)]);
      else if (m.aliases > limits.maxAliases) setResult([tooComplex(`Query has ${m.aliases} aliases; the limit is ${limits.maxAliases}`)]);
    },
    onExecute({ args, setResultAndStopExecution }) {
      const m = measureOperation(args.document, {
        schema: args.schema,
        operationName: args.operationName ?? null,
        variables: args.variableValues ?? {},
        trusts: trusts(),
      });
      if (m.cost !== null && m.cost > limits.maxCost) {
        setResultAndStopExecution({ errors: [tooComplex(`Query cost ${m.cost} (pages × page size × trusts) exceeds the limit of ${limits.maxCost}`)] });
      }
      return undefined;
    },
    // After masking (onExecuteDone) and after yoga chose the JSON processor: the result as sent.
    onResultProcess({ result, setResult }) {
      if (isAsyncIterable(result)) return;
      if (Array.isArray(result)) setResult(result.map((r: ExecutionResult) => capResponse(r, limits.maxResponseBytes)));
      else setResult(capResponse(result as ExecutionResult, limits.maxResponseBytes));
    },
  };
}

/**
 * One serialisation per response (issue 16): the result is stringified once here, its length
 * checked against `maxResponseBytes`, and the same text handed to yoga as the result's serialiser
 * (`ExecutionResultWithSerializer.stringify`, which yoga's JSON processor calls instead of
 * JSON.stringify). Before, the limit stringified every result only to measure it and yoga
 * stringified it again to send it. A result with errors or HTTP extensions is what yoga reshapes
 * before sending (it drops internal error extensions), so that rarer case is measured on its own
 * text and yoga serialises it again, as before. Over the limit: no data, QUERY_TOO_COMPLEX.
 */
function capResponse(result: ExecutionResult, maxBytes: number): ExecutionResult {
  const plain = !result.errors?.length && !(result.extensions as { http?: unknown } | undefined)?.http;
  const text = JSON.stringify(result);
  // A UTF-16 string of n code units is at most 3n UTF-8 bytes: short answers skip the count.
  const size = text.length * 3 <= maxBytes ? text.length : Buffer.byteLength(text);
  if (size > maxBytes) return { data: null, errors: [tooComplex(`Response of ${size} bytes exceeds the limit of ${maxBytes}`)] };
  return plain ? Object.assign({}, result, { stringify: () => text }) : result;
}

/**
 * The document-only measures (depth, aliases, fields) per parsed document and operation name.
 * yoga's parser cache hands the same DocumentNode for the same query text, and its validation
 * cache skips graphql-js's rules, but every onValidate hook still runs on every request: without
 * this the walk ran on every request, and again at execute for the cost (issue 16). One schema per
 * gateway, so the schema is not part of the key.
 */
const measured = new WeakMap<DocumentNode, Map<string | null, ReturnType<typeof measureOperation>>>();
function documentMeasure(document: DocumentNode, operationName: string | null, measure: () => ReturnType<typeof measureOperation>): ReturnType<typeof measureOperation> {
  let byName = measured.get(document);
  const known = byName?.get(operationName);
  if (known) return known;
  const m = measure();
  if (!byName) measured.set(document, (byName = new Map()));
  if (byName.size < 16) byName.set(operationName, m);
  return m;
}

function definedOnly(options: QueryLimits): Partial<Record<keyof typeof DEFAULT_LIMITS, number>> {
  const out: Partial<Record<keyof typeof DEFAULT_LIMITS, number>> = {};
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof typeof DEFAULT_LIMITS)[]) {
    if (typeof options[key] === 'number') out[key] = options[key];
  }
  return out;
}
