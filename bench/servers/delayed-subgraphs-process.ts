import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { parse } from 'graphql';
import { createYoga } from 'graphql-yoga';
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
  const yoga = createYoga({ schema, graphiql: false, logging: false, landingPage: false });
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => void yoga(req, res));
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

await runServer(async () => {
  const servers = await Promise.all(args.codes.map((code) => startSubgraph(code)));
  return {
    ready: { urls: Object.fromEntries(args.codes.map((code, i) => [code, servers[i]!.url])) as Record<string, string> },
    close: async () => void (await Promise.all(servers.map((s) => s.close()))),
  };
});
