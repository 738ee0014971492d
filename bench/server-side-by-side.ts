/**
 * graphql-yoga beside @apollo/server, serving the SAME schema and resolvers (the network SDL built
 * by @apollo/subgraph, a fixed page of 20 studies) in this one process, measured alternately (5
 * rounds, 10 connections) with the bench's load generator. It backs the README's dependency note on why the servers run on
 * graphql-yoga. Run on demand: `node bin/run-ts.js bench/server-side-by-side.ts [seconds]`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { networkSdl } from '../schema/index.ts';
import { measureLoad, type LoadSample } from './http-load.ts';

const rows = Array.from({ length: 20 }, (_, i) => ({ id: `S1.RXA.${i}`, status: 'FINAL', description: `CT head ${i}`, modalities: ['CT'] }));
const resolvers = { Query: { studies: () => ({ edges: rows.map((node) => ({ cursor: node.id, node })), pageInfo: { hasNextPage: true, endCursor: 'x' }, unavailableTrusts: [] }) } };
const schema = () => buildSubgraphSchema({ typeDefs: parse(networkSdl), resolvers: resolvers as never });
const body = JSON.stringify({ query: '{ studies(first: 20) { edges { cursor node { id status description modalities } } pageInfo { hasNextPage } } }' });

const yogaServer = createServer(createYoga({ schema: schema(), logging: false, graphiql: false, landingPage: false }));
await new Promise<void>((resolve) => yogaServer.listen(0, '127.0.0.1', resolve));
const yogaUrl = `http://127.0.0.1:${(yogaServer.address() as AddressInfo).port}/graphql`;
// Inline tracing off: only a federated router asks for it, and yoga does no such work.
const apollo = new ApolloServer({ schema: schema(), introspection: false, plugins: [ApolloServerPluginInlineTraceDisabled()] });
const { url: apolloUrl } = await startStandaloneServer(apollo, { listen: { port: 0, host: '127.0.0.1' } });

const seconds = Number(process.argv[2] ?? 5);
const runs: Record<string, LoadSample[]> = { 'graphql-yoga': [], '@apollo/server': [] };
const verify = (text: string) => text.includes('"S1.RXA.19"') && !text.includes('"errors"');
const ROUNDS = 5;
for (let round = 0; round < ROUNDS; round++) {
  runs['graphql-yoga']!.push(await measureLoad({ url: yogaUrl, body, connections: 10, seconds, verify }));
  runs['@apollo/server']!.push(await measureLoad({ url: apolloUrl, body, connections: 10, seconds, verify }));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const spread = (xs: number[], digits: number) => `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;
console.log(`| server | req/s, median (range) of ${ROUNDS} | p50 ms | p99 ms | failures |\n|---|---|---|---|---|`);
for (const [name, samples] of Object.entries(runs)) {
  console.log(`| ${name} | ${spread(samples.map((s) => s.rps), 0)} | ${spread(samples.map((s) => s.p50Ms), 2)} | ${spread(samples.map((s) => s.p99Ms), 1)} | ${samples.reduce((n, s) => n + s.failures, 0)} |`);
}
yogaServer.close();
yogaServer.closeAllConnections();
await apollo.stop();
