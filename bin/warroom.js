#!/usr/bin/env node
// Entry point of the `warroom` CLI: registers the TypeScript loader, then runs app/cli.ts.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../app/cli.ts');
await main(process.argv);
