#!/usr/bin/env -S node --max-semi-space-size=64
// Entry point of the `warroom` CLI: runs the compiled app/cli.js from dist/ (built by
// `npm run build`, which `npm install` runs as `prepare`), so a start does not pay for
// transpiling TypeScript. When dist/ is missing or older than the sources (TypeScript edited
// since the last build), or WARROOM_FROM_SOURCE=1 (the test suite sets it, so tests always run
// the current code), it registers tsx and runs app/cli.ts instead.
// --max-semi-space-size=64: ingest allocates much short-lived JSON and the default young
// generation makes the scavenger run several times per batch (measured: ~8 % more ingest
// throughput). The npm scripts pass the same flag.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { URL } from 'node:url';

const root = new URL('..', import.meta.url);

// `warroom … | head` closes the pipe early; that is not an error worth a stack trace.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

// Files that do not go into dist/ (tests, docs, this entry itself): editing them leaves it fresh.
const SKIP = /(\.test\.ts|(^|\.)contract\.ts|\.md|\.js)$/;

/** Why dist/ cannot be used ('' when it can). */
function distProblem() {
  let build;
  try {
    build = JSON.parse(readFileSync(new URL('dist/.build.json', root), 'utf8'));
  } catch {
    return 'dist/ is missing';
  }
  // A few hundred stats (a few ms; 30 ms on a machine under load): cheaper than any doubt
  // about which code ran.
  const newer = (dir) => {
    let entries;
    try {
      entries = readdirSync(new URL(`${dir}/`, root), { withFileTypes: true });
    } catch {
      return null; // a folder removed since the build: its importers changed too
    }
    for (const e of entries) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) {
        const hit = e.name !== 'node_modules' && !e.name.startsWith('.') && newer(rel);
        if (hit) return hit;
      } else if (!SKIP.test(e.name) && statSync(new URL(rel, root)).mtimeMs > build.startedMs) return rel;
    }
    return null;
  };
  for (const dir of build.dirs) {
    const hit = newer(dir);
    if (hit) return `${hit} changed after the last build`;
  }
  return '';
}

const fromSource = process.env.WARROOM_FROM_SOURCE === '1';
const problem = fromSource ? '' : distProblem();
if (fromSource || problem) {
  if (problem) process.stderr.write(`warroom: ${problem}; running the TypeScript sources through tsx (slower start; \`npm run build\` fixes it)\n`);
  const { register } = await import('tsx/esm/api');
  register();
  await run('', 'ts');
} else {
  await run('dist/', 'js');
}

/** Starts the CLI from the sources or from dist/. The eval and bench runners are handed in from here: evals/ builds on app/, so app/ cannot import it. */
async function run(dir, ext) {
  const at = (file) => new URL(`${dir}${file}.${ext}`, root).href;
  const { main } = await import(at('app/cli'));
  await main(process.argv, { eval: () => import(at('evals/cli')), bench: () => import(at('evals/bench/index')) });
}
