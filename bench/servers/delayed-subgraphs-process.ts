import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { execute, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { DateTimeScalar, encodeStudyId, networkSdl } from '../../schema/index.ts';
import { runServer, serverArgs } from './server-lifecycle.ts';

export interface DelayedSubgraphsArgs {
  /** ODS-shaped trust codes, one server each. */
  codes: string[];
  /** Every `studies` answer comes this long after the request. */
  delayMs: number;
  /** In-memory studies per trust. */
  studiesPerTrust: number;
}

/**
 * Small real Federation 2 subgraphs for the fan-out test: buildSubgraphSchema over the network SDL
 * (so the gateway's contract check passes), in-memory rows, each `studies` answer held for
 * `delayMs`, one HTTP server per trust on its own loopback port. The delay is a timer inside the
 * resolver, so parsing and validation happen while it runs: N trusts' waits overlap as real trusts'
 * would, and the server's own CPU is not serialised into the delay.
 */
const args = serverArgs<DelayedSubgraphsArgs>();

function studiesOf(code: string, count: number) {
  // One study an hour, newest first; the same instants in every trust so the merge interleaves them.
  const base = Date.UTC(2026, 0, 31, 12);
  return Array.from({ length: count }, (_, i) => {
    const accession = `${code}${String(i + 1).padStart(6, '0')}`;
    const at = new Date(base - i * 3_600_000).toISOString();
    return {
      id: encodeStudyId({ trust: code, kind: 'accession', value: accession }),
      accessionNumber: accession,
      status: 'FINAL',
      sortAt: at,
      performedAt: at,
      modalities: ['CT'],
      series: [],
      reports: [],
    };
  });
}

function startSubgraph(code: string): Promise<{ url: string; close(): Promise<void> }> {
  const rows = studiesOf(code, args.studiesPerTrust);
  const trust = { code, name: `Delayed trust ${code}` };
  const cursorOf = (i: number) => `d:${i}`;
  const resolvers = {
    DateTime: DateTimeScalar,
    Query: {
      studies: async (_: unknown, a: { first: number; after?: string | null }) => {
        await sleep(args.delayMs);
        const start = a.after ? Number(a.after.slice(2)) + 1 : 0;
        const page = rows.slice(start, start + a.first);
        return {
          edges: page.map((node, i) => ({ cursor: cursorOf(start + i), node: { ...node, trust } })),
          pageInfo: { hasNextPage: start + a.first < rows.length, endCursor: page.length ? cursorOf(start + page.length - 1) : null },
          unavailableTrusts: [],
        };
      },
      trusts: () => [trust],
      study: () => null,
      patient: () => null,
    },
  };
  const schema = buildSubgraphSchema({ typeDefs: parse(networkSdl), resolvers: resolvers as unknown as GraphQLResolverMap<unknown> });
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => void answer(schema, req, res));
  server.keepAliveTimeout = 65_000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            for (const s of sockets) s.destroy();
          }),
      }),
    ),
  );
}

/**
 * GraphQL over HTTP, as lean as it gets: POST JSON in, graphql-js `execute` over the subgraph
 * schema, JSON out; each query text parsed and validated once. The trust side of the fan-out test
 * should cost as little CPU as possible: it shares the 2 cores with the gateway being measured
 * (graphql-yoga here cost ~2 ms of CPU per answer, 16 of them per gateway request at 16 trusts).
 */
const documents = new Map<string, DocumentNode>();
function documentOf(schema: GraphQLSchema, query: string): DocumentNode | readonly Error[] {
  const known = documents.get(query);
  if (known) return known;
  const document = parse(query);
  const errors = validate(schema, document);
  if (errors.length) return errors;
  documents.set(query, document);
  return document;
}

async function answer(schema: GraphQLSchema, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  let result: unknown;
  try {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { query: string; variables?: Record<string, unknown>; operationName?: string };
    const document = documentOf(schema, body.query);
    result = Array.isArray(document)
      ? { errors: (document as Error[]).map((e) => ({ message: e.message })) }
      : await execute({ schema, document: document as DocumentNode, variableValues: body.variables ?? {}, operationName: body.operationName ?? null });
  } catch (err) {
    result = { errors: [{ message: err instanceof Error ? err.message : String(err) }] };
  }
  const text = JSON.stringify(result);
  res.writeHead(200, { 'content-type': 'application/graphql-response+json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

await runServer(async () => {
  const servers = await Promise.all(args.codes.map((code) => startSubgraph(code)));
  return {
    ready: { urls: Object.fromEntries(args.codes.map((code, i) => [code, servers[i]!.url])) as Record<string, string> },
    close: async () => void (await Promise.all(servers.map((s) => s.close()))),
  };
});
