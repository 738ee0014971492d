import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The network contract as Federation 2 SDL: what every trust subgraph implements. */
export const networkSdl: string = readFileSync(
  fileURLToPath(new URL('./network.graphql', import.meta.url)),
  'utf8',
);
