/**
 * sim/ never reaches the layers that call it (ARCHITECTURE.md: api/ and app/ drive the sandbox,
 * never the other way; not even for a type), and its files import one another in one direction: world.ts owns the state and hands each
 * subsystem its narrow view (model.ts `WorldState`), so no subsystem needs world.ts back.
 * Type-only imports count: they are how a circle starts.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SIM = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(SIM, '..');

/** Every production file of sim/ (tests and test helpers may reach further) with the files it imports. */
function importGraph(): Map<string, string[]> {
  const files = (readdirSync(SIM, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('test-helpers.ts')).map((f) => join(SIM, f));
  const graph = new Map<string, string[]>();
  for (const f of files) {
    const specs = [...readFileSync(f, 'utf8').matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gms)].map((m) => m[1]);
    graph.set(f, specs.map((s) => resolve(dirname(f), s.replace(/\.js$/, '.ts'))));
  }
  return graph;
}

/** The first circle found (a → b → … → a), as paths relative to sim/, or null. */
function findCircle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (f: string): string[] | null => {
    if (state.get(f) === 'done' || !graph.has(f)) return null;
    if (state.get(f) === 'open') return [...path.slice(path.indexOf(f)), f];
    state.set(f, 'open');
    path.push(f);
    for (const d of graph.get(f)!) {
      const c = visit(d);
      if (c) return c;
    }
    path.pop();
    state.set(f, 'done');
    return null;
  };
  for (const f of graph.keys()) {
    const c = visit(f);
    if (c) return c.map((p) => relative(SIM, p));
  }
  return null;
}

describe('sim/ imports', () => {
  const graph = importGraph();

  it('never reach the layers that call the sandbox', () => {
    const callers = ['api', 'app', 'usecases', 'tools', 'agent', 'bot', 'store', 'bus', 'ingest', 'evals'].map((d) => join(ROOT, d) + '/');
    const outside = [...graph].flatMap(([f, deps]) => deps.filter((d) => callers.some((c) => d.startsWith(c))).map((d) => `${relative(ROOT, f)} → ${relative(ROOT, d)}`));
    expect(graph.size).toBeGreaterThan(20);
    expect(outside).toEqual([]);
  });

  it('form no circle', () => {
    expect(findCircle(graph)).toBeNull();
  });

  it('would report a circle (the check itself works)', () => {
    const a = join(SIM, 'a.ts');
    const b = join(SIM, 'b.ts');
    expect(findCircle(new Map([[a, [b]], [b, [a]]]))).toEqual(['a.ts', 'b.ts', 'a.ts']);
  });
});
