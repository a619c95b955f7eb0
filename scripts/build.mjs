// `npm run build` (and `prepare`, so `npm install` / `npm ci` run it): compiles the TypeScript
// sources into dist/ so the CLI and the server start without a TypeScript loader, then copies
// the files the code reads next to itself at run time (SQL migrations, scenario and topology
// JSON, the .mjs worker entries). Generic on purpose: every folder the typecheck covers is
// compiled (tests excluded) and every non-TypeScript, non-Markdown file in it is copied, so
// moving or adding a folder needs no change here.
// Finally writes dist/.build.json, which bin/warroom.js reads to tell whether dist/ is older
// than the sources.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative } from 'node:path';
import { fileURLToPath, URL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const started = Date.now();

// A clean build: a file moved or deleted in the sources must not linger as a loadable module.
rmSync(dist, { recursive: true, force: true });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (r.status !== 0) {
  process.stderr.write('build: tsc failed; dist/ removed, so bin/warroom.js runs the sources through tsx\n');
  rmSync(dist, { recursive: true, force: true });
  process.exit(r.status ?? 1);
}

// The source folders: the directory entries of tsconfig.json's "include" (the build config
// inherits it). Root-level files ("*.ts") are config, not code read at run time.
const include = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')).include;
const dirs = include.filter((p) => !p.includes('*') && existsSync(join(root, p)));

// .js is left out too: the only hand-written .js is bin/warroom.js, the entry that loads dist/.
const SKIP_EXT = new Set(['.ts', '.md', '.js']);
let copied = 0;
function copyAssets(dir) {
  for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
    const rel = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && !e.name.startsWith('.')) copyAssets(rel);
    } else if (e.isFile() && !SKIP_EXT.has(extname(e.name))) {
      mkdirSync(dirname(join(dist, rel)), { recursive: true });
      cpSync(join(root, rel), join(dist, rel));
      copied++;
    }
  }
}
for (const d of dirs) copyAssets(d);

// startedMs, not the end: a source saved while tsc ran is newer than the build and counts as such.
writeFileSync(join(dist, '.build.json'), JSON.stringify({ dirs, startedMs: started }) + '\n');
process.stdout.write(`build: ${relative(process.cwd(), dist)} from ${dirs.length} folders, ${copied} assets copied, ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
