/**
 * The layout of ARCHITECTURE.md, checked on the source: no import circle between files or
 * between folders, and every import of production code in the documented direction. Type-only
 * imports count too: they cost nothing at run time, but a folder that names another's types
 * still depends on it.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cycles, importGraph, isTestCode, topFolder, type ImportEdge } from './test-support/import-graph.js';

const ROOT = fileURLToPath(new URL('.', import.meta.url));

/** Folders every layer may build on: the deterministic domain and the pipeline that runs it. */
const DOMAIN = ['detectors', 'rca', 'kb', 'policies', 'remediate', 'ingest'];
/** What each top-level folder may import besides itself (ARCHITECTURE.md, "Layout"). */
const MAY_IMPORT: Record<string, readonly string[] | 'anything'> = {
  core: [],
  detectors: ['core'],
  rca: ['core', 'detectors'],
  kb: ['core'],
  policies: ['core'],
  remediate: ['core', 'policies'],
  store: ['core'],
  bus: ['core'],
  ingest: ['core', 'detectors', 'rca'],
  usecases: ['core', ...DOMAIN],
  // Tools and the agent mask what a model sees with detectors/secrets and name kb/ result types:
  // the pure domain, never SQL or a route.
  tools: ['core', 'usecases', ...DOMAIN],
  agent: ['core', 'tools', 'usecases', ...DOMAIN],
  bot: ['core', 'agent', 'usecases'],
  // The sandbox's own REST routes (api/routes/sandbox.ts) read its fault catalogue and schemas.
  api: ['core', 'usecases', 'sim', ...DOMAIN],
  sim: ['core'],
  // The composition root, and the evals that start instances through it (`warroom eval|bench`
  // reach them through bin/warroom.js, so nothing in app/ imports evals/).
  app: 'anything',
  evals: 'anything',
  // Root files (vitest.config.ts) and the test-support folder, which no production file imports.
  '.': 'anything',
  'test-support': 'anything',
};
/** Production folders that may use test-support/: benches start the same throw-away servers. */
const MAY_USE_TEST_CODE = new Set(['evals']);

/**
 * Known exceptions: the sandbox's case export reads and writes the recorded-case layout that
 * rca/cases.ts defines. An entry that no longer matches anything fails, so the list only shrinks.
 */
const ALLOWED_FILE_CYCLES: string[][] = [];
const ALLOWED_AGAINST_DIRECTION = new Set(['sim/edge/case.ts -> rca/cases.ts', 'sim/edge/export.ts -> rca/cases.ts']);

const edges = importGraph(ROOT);
const production = edges.filter((e) => !isTestCode(e.from) && !isTestCode(e.to));
const show = (e: ImportEdge) => `${e.from} -> ${e.to}`;

describe('the import graph', () => {
  it('is read from the source (a sanity check: the composition root imports the API)', () => {
    expect(edges.length).toBeGreaterThan(300);
    expect(edges.map(show)).toContain('app/runtime.ts -> api/server.ts');
  });

  it('has no circle between files (static or dynamic imports, tests\' helpers included)', () => {
    const found = cycles(edges);
    const inAllowed = (c: string[]) => ALLOWED_FILE_CYCLES.some((a) => c.every((f) => a.includes(f)));
    expect(found.filter((c) => !inAllowed(c))).toEqual([]);
    expect(ALLOWED_FILE_CYCLES.filter((a) => !found.some((c) => c.every((f) => a.includes(f))))).toEqual([]);
  });

  it('has no circle between top-level folders of production code', () => {
    const folderEdges = production.filter((e) => !ALLOWED_AGAINST_DIRECTION.has(show(e))).map((e) => ({ from: topFolder(e.from), to: topFolder(e.to) }));
    expect(cycles(folderEdges.filter((e) => e.from !== e.to))).toEqual([]);
  });

  it('imports only in the direction of ARCHITECTURE.md', () => {
    const unknown = [...new Set(production.map((e) => topFolder(e.from)))].filter((f) => !(f in MAY_IMPORT));
    expect(unknown, 'a new top-level folder: add it to MAY_IMPORT (and ARCHITECTURE.md)').toEqual([]);
    const against = production.filter((e) => {
      const from = topFolder(e.from);
      const to = topFolder(e.to);
      const may = MAY_IMPORT[from];
      return from !== to && may !== 'anything' && !may.includes(to);
    });
    expect(against.map(show).filter((e) => !ALLOWED_AGAINST_DIRECTION.has(e))).toEqual([]);
    expect([...ALLOWED_AGAINST_DIRECTION].filter((a) => !against.some((e) => show(e) === a))).toEqual([]);
  });

  it('keeps test code out of production code', () => {
    const intoTests = edges.filter((e) => !isTestCode(e.from) && isTestCode(e.to) && !MAY_USE_TEST_CODE.has(topFolder(e.from)));
    expect(intoTests.map(show)).toEqual([]);
  });
});
