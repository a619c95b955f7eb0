#!/usr/bin/env -S node --max-semi-space-size=64
// Entry point of the `warroom` CLI: registers the TypeScript loader, then runs app/cli.ts.
// --max-semi-space-size=64: ingest allocates much short-lived JSON and the default young
// generation makes the scavenger run several times per batch (measured: ~8 % more ingest
// throughput). The npm scripts pass the same flag.
import { register } from 'tsx/esm/api';
register();
// `warroom … | head` closes the pipe early; that is not an error worth a stack trace.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
const { main } = await import('../app/cli.ts');
// The eval and bench runners come from here: evals/ builds on app/, so app/ cannot import it.
await main(process.argv, { eval: () => import('../evals/cli.ts'), bench: () => import('../evals/bench/index.ts') });
