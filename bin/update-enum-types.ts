import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { renderEnumTypes } from './enum-types.ts';

// `npm run codegen:enums`: regenerates schema/generated/enums.ts from the network SDL.
const sdl = readFileSync(new URL('../schema/network.graphql', import.meta.url), 'utf8');
mkdirSync(new URL('../schema/generated/', import.meta.url), { recursive: true });
writeFileSync(new URL('../schema/generated/enums.ts', import.meta.url), renderEnumTypes(sdl));
console.log('schema/generated/enums.ts updated');
