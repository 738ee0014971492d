#!/usr/bin/env node
// Entry point of the `imaging-network` command. The project ships TypeScript sources and
// runs them through tsx's ESM loader (no build step, so `npm ci` is all a machine needs).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./cli.ts');
const code = await main(process.argv.slice(2));
if (typeof code === 'number') process.exitCode = code;
