import { request as httpRequest } from 'node:http';
import { serve } from '../../platform/server-lifecycle.ts';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { GraphQLError, parse } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { compareStudyOrder, encodeStudyId, networkSdl, sortMillis } from '../../schema/index.ts';

/**
 * A fixture trust: a REAL Federation 2 subgraph (buildSubgraphSchema over schema/network.graphql)
 * served over HTTP on a free loopback port, with in-memory rows. The gateway sees it exactly as it
 * sees a trust process: `_service`, `_entities`, `studies`, `patient`, `trusts`. Synthetic patients
 * only (NHS numbers in the 999 range).
 */
export interface FixtureStudy {
  /** Accession number; the network id is derived from it and the trust code. */
  accession: string;
  sortAt: string | null;
  nhsNumber: string;
  status?: string;
  modalities?: string[];
  description?: string | null;
  /** When set, `description` fails with PACS_UNAVAILABLE (a message holding an address). */
  failDescription?: boolean;
}

export interface FixturePatient {
  nhsNumber: string;
  family?: string | null;
  given?: string[];
  birthDate?: string | null;
  sex?: string | null;
  mrn: string;
}

export interface FixtureTrustOptions {
  code: string;
  name?: string;
  studies?: FixtureStudy[];
  patients?: FixturePatient[];
  /** Rewrites the SDL before the schema is built (e.g. to drop a field: an incompatible trust). */
  sdl?: (sdl: string) => string;
}

export interface FixtureTrust {
  code: string;
  name: string;
  /** `http://127.0.0.1:<port>/graphql` */
  url: string;
  port: number;
  /** Every GraphQL document received, in order. */
  requests: string[];
  /** How many received documents call `_entities`. */
  entityRequests(): number;
  setStudies(rows: FixtureStudy[]): void;
  setPatients(rows: FixturePatient[]): void;
  /** `invalid-json` answers every request with a body that is not JSON. */
  setMode(mode: 'ok' | 'invalid-json'): void;
  close(): Promise<void>;
}

/** The fixture's own cursor: the sort key of the row (its own format, opaque to the gateway). */
function trustCursor(key: { sortAt: number | null; id: string }): string {
  return `fx:${Buffer.from(JSON.stringify(key)).toString('base64url')}`;
}

function readTrustCursor(cursor: string): { sortAt: number | null; id: string } {
  if (!cursor.startsWith('fx:')) throw new GraphQLError('bad cursor', { extensions: { code: 'BAD_USER_INPUT' } });
  return JSON.parse(Buffer.from(cursor.slice(3), 'base64url').toString('utf8')) as { sortAt: number | null; id: string };
}

export async function startFixtureTrust(options: FixtureTrustOptions): Promise<FixtureTrust> {
  const code = options.code;
  const name = options.name ?? `Fixture trust ${code}`;
  let studies: FixtureStudy[] = options.studies ?? [];
  let patients: FixturePatient[] = options.patients ?? [];
  let mode: 'ok' | 'invalid-json' = 'ok';
  const requests: string[] = [];
  const trust = { code, name };

  const studyRow = (s: FixtureStudy) => ({
    __fixture: s,
    id: encodeStudyId({ trust: code, kind: 'accession', value: s.accession }),
    trust,
    accessionNumber: s.accession,
    studyInstanceUid: null,
    patient: patientRow(s.nhsNumber),
    modalities: s.modalities ?? ['CT'],
    bodyPart: null,
    priority: 'ROUTINE',
    status: s.status ?? 'COMPLETED',
    requestedAt: null,
    scheduledAt: null,
    performedAt: s.sortAt,
    sortAt: s.sortAt,
    report: null,
    reports: [],
    series: [],
    imageCount: null,
    dicomweb: null,
  });
  const patientRow = (nhsNumber: string) => {
    const p = patients.find((x) => x.nhsNumber === nhsNumber);
    return {
      nhsNumber,
      name: p ? { family: p.family ?? null, given: p.given ?? [] } : null,
      birthDate: p?.birthDate ?? null,
      sex: p?.sex ?? null,
      identifiers: [
        { trust, type: 'NHS_NUMBER', value: nhsNumber },
        ...(p ? [{ trust, type: 'MRN', value: p.mrn }] : []),
      ],
    };
  };
  const sorted = (filter: (s: FixtureStudy) => boolean) =>
    studies
      .filter(filter)
      .map(studyRow)
      .sort((a, b) => compareStudyOrder({ sortAt: sortMillis(a.sortAt), id: a.id }, { sortAt: sortMillis(b.sortAt), id: b.id }));
  const page = (rows: ReturnType<typeof studyRow>[], first: number, after: string | null | undefined) => {
    const from = after ? readTrustCursor(after) : undefined;
    const rest = from ? rows.filter((r) => compareStudyOrder({ sortAt: sortMillis(r.sortAt), id: r.id }, from) > 0) : rows;
    const taken = rest.slice(0, first);
    const edges = taken.map((node) => ({ cursor: trustCursor({ sortAt: sortMillis(node.sortAt), id: node.id }), node }));
    return { edges, pageInfo: { hasNextPage: rest.length > first, endCursor: edges.at(-1)?.cursor ?? null }, unavailableTrusts: [] };
  };

  type Filter = { nhsNumber?: string; accessionNumber?: string; trusts?: string[]; statuses?: string[] } | null;
  const resolvers = {
    Query: {
      studies: (_: unknown, args: { filter?: Filter; first: number; after?: string | null }) => {
        const f = args.filter ?? {};
        if (f.trusts && !f.trusts.includes(code)) return page([], args.first, null);
        return page(
          sorted((s) => (!f.nhsNumber || s.nhsNumber === f.nhsNumber) && (!f.accessionNumber || s.accession === f.accessionNumber) && (!f.statuses || f.statuses.includes(s.status ?? 'COMPLETED'))),
          args.first,
          args.after,
        );
      },
      study: (_: unknown, { id }: { id: string }) => sorted(() => true).find((s) => s.id === id) ?? null,
      patient: (_: unknown, { nhsNumber }: { nhsNumber: string }) =>
        studies.some((s) => s.nhsNumber === nhsNumber) || patients.some((p) => p.nhsNumber === nhsNumber) ? patientRow(nhsNumber) : null,
      trusts: () => [trust],
    },
    Study: {
      __resolveReference: (ref: { id: string }) => sorted(() => true).find((s) => s.id === ref.id) ?? null,
      description: (row: ReturnType<typeof studyRow>) => {
        if (row.__fixture.failDescription) {
          throw new GraphQLError('PACS at http://10.9.9.9:8042/dicom-web did not answer', { extensions: { code: 'PACS_UNAVAILABLE' } });
        }
        return row.__fixture.description ?? null;
      },
    },
    Patient: {
      studies: (p: { nhsNumber: string }, args: { first: number; after?: string | null }) => page(sorted((s) => s.nhsNumber === p.nhsNumber), args.first, args.after),
      // Several fixture patients with one NHS number are several records of one trust.
      conflicts: (p: { nhsNumber: string }) => {
        const records = patients.filter((x) => x.nhsNumber === p.nhsNumber);
        return (['birthDate', 'sex'] as const).flatMap((f) => {
          const values = [...new Set(records.map((r) => r[f]).filter((v): v is string => !!v && v !== 'UNKNOWN'))].sort();
          return values.length > 1 ? [{ field: f, trusts: [trust], values }] : [];
        });
      },
    },
  };
  const sdl = options.sdl ? options.sdl(networkSdl) : networkSdl;
  const schema = buildSubgraphSchema({ typeDefs: parse(sdl), resolvers: resolvers as unknown as GraphQLResolverMap<unknown> });
  const yoga = createYoga({
    schema,
    graphiql: false,
    logging: false,
    maskedErrors: false,
    plugins: [{ onParams: ({ params }) => void requests.push(params.query ?? '') }],
  });
  const http = await serve((req, res) => {
    if (mode === 'invalid-json') {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"data": {"studies": [oops');
      });
      return;
    }
    void yoga(req, res);
  }, LOOPBACK_NOW);
  const port = http.port;
  return {
    code,
    name,
    url: `http://127.0.0.1:${port}/graphql`,
    port,
    requests,
    entityRequests: () => requests.filter((q) => q.includes('_entities')).length,
    setStudies: (rows) => void (studies = rows),
    setPatients: (rows) => void (patients = rows),
    setMode: (m) => void (mode = m),
    close: () => http.close(),
  };
}

/** A free loopback port; close cuts every connection at once (test peers have nothing to drain). */
const LOOPBACK_NOW = { host: '127.0.0.1', port: 0, keepAliveTimeoutMs: 5_000, drainMs: 0 };

export interface DelayingProxy {
  /** Base URL (append `/graphql`). */
  url: string;
  /** Delay before each request is forwarded; 0 forwards at once. */
  delayMs: number;
  close(): Promise<void>;
}

/**
 * An HTTP proxy that holds each request for `delayMs` before forwarding it: a trust that answers,
 * but too late for the gateway's deadline.
 */
export async function startDelayingProxy(target: string): Promise<DelayingProxy> {
  const t = new URL(target);
  const timers = new Set<NodeJS.Timeout>();
  const proxy: DelayingProxy = { url: '', delayMs: 0, close: async () => undefined };
  const http = await serve((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const forward = () => {
        if (res.destroyed) return;
        const up = httpRequest(
          { host: t.hostname, port: t.port, method: req.method, path: req.url, headers: { ...req.headers, host: t.host } },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        up.on('error', () => res.destroy());
        up.end(Buffer.concat(chunks));
      };
      if (proxy.delayMs <= 0) return forward();
      const timer = setTimeout(() => {
        timers.delete(timer);
        forward();
      }, proxy.delayMs);
      timers.add(timer);
    });
  }, LOOPBACK_NOW);
  proxy.url = http.origin;
  proxy.close = () => {
    for (const timer of timers) clearTimeout(timer);
    return http.close();
  };
  return proxy;
}

/** POSTs a GraphQL request to the gateway under test; returns the HTTP status and the body. */
export async function postGraphql(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{ status: number; body: { data?: Record<string, any> | null; errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }> } }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as never };
}

/** Every study of `trusts` as the network orders them (schema/study-order.ts): the expected answer. */
export function networkOrder(trusts: ReadonlyArray<{ code: string; studies: readonly FixtureStudy[] }>): string[] {
  return trusts
    .flatMap((t) => t.studies.map((s) => ({ id: encodeStudyId({ trust: t.code, kind: 'accession', value: s.accession }), sortAt: sortMillis(s.sortAt) })))
    .sort(compareStudyOrder)
    .map((s) => s.id);
}
