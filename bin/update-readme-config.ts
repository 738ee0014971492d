import { readFileSync, writeFileSync } from 'node:fs';
import { renderReadmeConfig } from './config-reference.ts';

// `npm run docs:config`: regenerates the README's configuration reference from the schemas.
const file = new URL('../README.md', import.meta.url);
writeFileSync(file, await renderReadmeConfig(readFileSync(file, 'utf8')));
console.log('README configuration reference updated');
