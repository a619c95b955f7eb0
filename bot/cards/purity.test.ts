/**
 * bot/cards is pure (ARCHITECTURE.md: a neutral card model with three renderings): its
 * production files import only core/, each other and zod, so any adapter or test can use them.
 * arch.test.ts checks bot/ as a whole; ESLint keeps I/O libraries, process and the clock out.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { importGraph, isTestCode } from '../../test-support/import-graph.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIR = fileURLToPath(new URL('.', import.meta.url));

describe('bot/cards', () => {
  it('imports only core/ and itself', () => {
    const edges = importGraph(ROOT).filter((e) => e.from.startsWith('bot/cards/') && !isTestCode(e.from));
    expect(edges.length).toBeGreaterThan(10);
    expect(edges.filter((e) => !e.to.startsWith('core/') && !e.to.startsWith('bot/cards/')).map((e) => `${e.from} -> ${e.to}`)).toEqual([]);
  });

  it('uses no package but zod', () => {
    const packages = new Set<string>();
    for (const f of readdirSync(DIR).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts') && n !== 'test-helpers.ts')) {
      const sf = ts.createSourceFile(f, readFileSync(DIR + f, 'utf8'), ts.ScriptTarget.Latest);
      for (const s of sf.statements) {
        if ((ts.isImportDeclaration(s) || ts.isExportDeclaration(s)) && s.moduleSpecifier && ts.isStringLiteral(s.moduleSpecifier) && !s.moduleSpecifier.text.startsWith('.')) {
          packages.add(s.moduleSpecifier.text);
        }
      }
    }
    expect([...packages]).toEqual(['zod']);
  });
});
