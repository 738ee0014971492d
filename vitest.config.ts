import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

/**
 * ONE graphql module for everything: graphql@16 ships a CommonJS build (`main`) and an ESM build
 * (`module`). Node (and tsx) load the CommonJS one for our code and for every package alike, but
 * vite would give our test-transformed code the ESM one while the packages it leaves to Node
 * (graphql-yoga, @apollo/subgraph) load the CommonJS one: two copies, and graphql-js refuses
 * schemas, types and errors of the other copy (`instanceof`, "another module or realm"). `npm ls
 * graphql` shows a single installed copy, so this is not an `overrides` matter: pointing the bare
 * specifier at the entry Node itself uses makes the tests run what production runs.
 */
const graphqlEntry = createRequire(import.meta.url).resolve('graphql');

export default defineConfig({
  resolve: {
    alias: [{ find: /^graphql$/, replacement: graphqlEntry }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests start real peers (Orthanc, trust processes) on free loopback ports;
    // two cores, so keep the pool small.
    maxWorkers: 2,
  },
});
