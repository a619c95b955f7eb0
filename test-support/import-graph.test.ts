import { describe, expect, it } from 'vitest';
import { cycles, importsOf, isTestCode, topFolder } from './import-graph.js';

describe('importsOf', () => {
  it('finds static, re-exported, side-effect and dynamic imports, and tells type-only ones apart', () => {
    const text = [
      "import { a } from './a.js';",
      "import type { B } from '../b.js';",
      "import { type C, type D } from './cd.js';",
      "import { type E, f } from './ef.js';",
      "export { g } from './g.js';",
      "export type { H } from './h.js';",
      "import './side.js';",
      "const m = await import('./lazy.js');",
      "type T = typeof import('./typed.js');",
      "import { z } from 'zod';", // a package, not ours
      "// import { x } from './in-a-comment.js';",
      "const s = \"import { y } from './in-a-string.js'\";",
      'const n = await import(name);', // not a literal: cannot be resolved
    ].join('\n');
    expect(importsOf('x.ts', text)).toEqual([
      { spec: './a.js', typeOnly: false, dynamic: false },
      { spec: '../b.js', typeOnly: true, dynamic: false },
      { spec: './cd.js', typeOnly: true, dynamic: false },
      { spec: './ef.js', typeOnly: false, dynamic: false },
      { spec: './g.js', typeOnly: false, dynamic: false },
      { spec: './h.js', typeOnly: true, dynamic: false },
      { spec: './side.js', typeOnly: false, dynamic: false },
      { spec: './lazy.js', typeOnly: false, dynamic: true },
      { spec: './typed.js', typeOnly: true, dynamic: true },
    ]);
  });
});

describe('cycles', () => {
  it('reports each circle once, with its members, and nothing for a graph without one', () => {
    const e = (from: string, to: string) => ({ from, to });
    expect(cycles([e('a', 'b'), e('b', 'c'), e('c', 'a'), e('c', 'd'), e('d', 'e'), e('e', 'd'), e('f', 'f'), e('g', 'a')])).toEqual([['a', 'b', 'c'], ['d', 'e'], ['f']]);
    expect(cycles([e('a', 'b'), e('b', 'c'), e('a', 'c')])).toEqual([]);
  });
});

describe('isTestCode and topFolder', () => {
  it.each([
    ['test-support/kb-harness.ts', true],
    ['api/routes/analyze.contract.ts', true],
    ['bus/contract.ts', true],
    ['store/kb-contract.ts', true],
    ['sim/test-helpers.ts', true],
    ['api/routes/contracts.ts', false],
    ['kb/service.ts', false],
  ])('%s is test code: %s', (file, expected) => {
    expect(isTestCode(file)).toBe(expected);
  });

  it('names the first folder, "." for a file at the root', () => {
    expect(topFolder('detectors/stream/engine.ts')).toBe('detectors');
    expect(topFolder('vitest.config.ts')).toBe('.');
  });
});
