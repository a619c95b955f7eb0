import { describe, expect, it } from 'vitest';
import { parseJsonLine } from '../../detectors/logs/structured.js';
import { LOSO_GRID, leaveOneSystemOut } from './loso.js';
import { groupingScores, scoreLines, splitMergeCounts } from './score.js';
import { opsSystem } from './ops.js';
import { shapeSystem } from './shapes.js';
import { simLogSystems } from './sim-logs.js';
import { STYLES, styleSystem } from './styles.js';
import { synthSystem } from './synth.js';

describe('synthetic log systems', () => {
  it('are deterministic per seed and differ across seeds', () => {
    expect(synthSystem(5).lines).toEqual(synthSystem(5).lines);
    expect(synthSystem(5).lines).not.toEqual(synthSystem(6).lines);
  });

  it('draw every template at least once, one event per line', () => {
    const s = synthSystem(3);
    expect(s.lines).toHaveLength(2_000);
    expect(s.events).toHaveLength(2_000);
    expect(new Set(s.events).size).toBe(s.templates);
    expect(s.templates).toBeGreaterThanOrEqual(20);
  });

  it('are scored against their own events: lines made unlike each other score lower', () => {
    const s = synthSystem(2);
    expect(scoreLines(s.lines, s.events).ga).toBeGreaterThan(0);
    const apart = scoreLines(s.lines.map((l, i) => `${l} ${'x'.repeat((i % 50) + 1)}`), s.events);
    expect(apart.ga).toBeLessThan(scoreLines(s.lines, s.events).ga);
  });
});

describe('token-shape log systems', () => {
  it('are deterministic per seed, one event per line, every template drawn', () => {
    const s = shapeSystem(7);
    expect(s.lines).toEqual(shapeSystem(7).lines);
    expect(s.lines).not.toEqual(shapeSystem(8).lines);
    expect(s.lines).toHaveLength(2_000);
    expect(s.events).toHaveLength(2_000);
    expect(s.templates).toBeGreaterThanOrEqual(25);
  });

  it('give one event lines of different token counts and an optional bracketed tail', () => {
    const lengths = new Map<string, Set<number>>();
    let tails = 0;
    for (const seed of [1, 2, 3]) {
      const s = shapeSystem(seed);
      s.lines.forEach((l, i) => {
        const key = `${seed}:${s.events[i]}`;
        if (!lengths.has(key)) lengths.set(key, new Set());
        lengths.get(key)!.add(l.split(' ').length);
        if (/ (\([^()]+\)|\[[^[\]]+ \d\])$/.test(l)) tails++;
      });
    }
    expect([...lengths.values()].filter((x) => x.size > 1).length).toBeGreaterThan(10);
    expect(tails).toBeGreaterThan(100);
  });
});

describe('operational-shape log systems', () => {
  it('are deterministic per seed, one event per line, every template drawn', () => {
    const s = opsSystem(4);
    expect(s.lines).toEqual(opsSystem(4).lines);
    expect(s.lines).not.toEqual(opsSystem(5).lines);
    expect(s.lines).toHaveLength(2_000);
    expect(s.events).toHaveLength(2_000);
    expect(s.templates).toBeGreaterThanOrEqual(25);
  });

  it('carry the shapes they are written for', () => {
    const text = [1, 2, 3, 4, 5, 6].flatMap((seed) => opsSystem(seed).lines).join('\n');
    for (const shape of [
      /(^| )[a-z]+: \d+(\.\d+)? /m, // key: value
      /(^| )\d{2}:\d{2}:\d{2}( |$)/m, // clock value
      / <1 sec /, // a short wait
      /(^| )\d+(\.\d+)?(ms|s)( |$)/m, // duration with a unit
      /\d+\.\d+\.\d+\.\d+:\d+/, // ip:port
      /[a-z]-\d\.[a-z]+\.[a-z]+:\d+/, // host:port
      /\/[a-z]+\/v\d\/[a-z]+\/\d+\?[a-z]+=/, // path with a query string
      /^\[req-[0-9a-f-]{36} [0-9a-f]{32} [0-9a-f]{32} - - -\]/m, // request context with ids
      /\[req-[0-9a-f-]{36} - - - - -\]/, // …and with dashes
      /^[a-z]+\[\d+\]: /m, // process[pid]:
      /(^| )\[[a-z]+(, [a-z]+)+\]/m, // argument list
      / \[\]( |$)/m, // …empty
      /^(com|org|io)\.[a-z]+\.[a-z]+\.[A-Z][a-z]+/m, // class name first
      /[A-Z][a-z]+Exception: /, // exception
    ]) expect(text).toMatch(shape);
  });

  it('give one event lines of different token counts (argument lists, `<1 sec`)', () => {
    const s = opsSystem(1);
    const lengths = new Map<string, Set<number>>();
    s.lines.forEach((l, i) => {
      if (!lengths.has(s.events[i])) lengths.set(s.events[i], new Set());
      lengths.get(s.events[i])!.add(l.split(' ').length);
    });
    expect([...lengths.values()].filter((x) => x.size > 1).length).toBeGreaterThan(2);
  });
});

describe('system-style log systems', () => {
  it('are deterministic per seed, one event per line, every template drawn', () => {
    const s = styleSystem(9);
    expect(s.lines).toEqual(styleSystem(9).lines);
    expect(s.lines).not.toEqual(styleSystem(10).lines);
    expect(s.lines).toHaveLength(2_000);
    expect(s.events).toHaveLength(2_000);
    expect(s.templates).toBeGreaterThanOrEqual(25);
  });

  it('use every style over the 24 seeds and carry the shapes they are written for', () => {
    const systems = Array.from({ length: 24 }, (_, i) => styleSystem(i + 1));
    for (const style of Object.keys(STYLES)) expect(systems.some((s) => s.name.split('-')[2].split('+').includes(style))).toBe(true);
    const text = systems.flatMap((s) => s.lines).join('\n');
    for (const shape of [
      /\([A-Z]+ \d+, [A-Z]+ \d+, [a-z]+-\d+, [a-z]+ \d+, \d+ bytes\)/, // a tuple of values
      /[a-z]+_\d{13}_\d{4}_[mr]_\d{6}_\d/, // an underscore-glued attempt id
      / \d+\.\d [KMG]?B[,)]/, // sizes with a unit
      /(^| )[a-z]+='[a-z]+'/m, // key='value'
      /(^| )[a-z]+="[a-z]+( [a-z]+)+"/m, // key="several words"
      / [a-z]+(,[a-z]+)+( |$)/m, // a glued comma list
      /\{[a-z]+=\d+(, [a-z]+=\d+)*\}/, // a map
      /`[a-z]+`/, // backticks
      / #[a-z]+ /, // tags
      /^(GET|POST|PUT|DELETE) \/[a-z]+\/v\d\//m, // a request line
      /^"(GET|POST|PUT|DELETE) \/.* HTTP\/1\.1" \d{3} \d+ "[A-Z][a-z]+\/\d\.\d \(/m, // …quoted, with a user agent
      /Emask 0x[0-9a-f]+ SAct 0x[0-9a-f]+ SErr/, // a flags run
      /[a-z]+-vm:\d+kB,/, // value glued to a unit and a comma
      /C:\\[A-Z][a-z]+\\/, // a Windows path
      /\{[0-9A-F]{8}-[0-9A-F]{4}-/, // a GUID
      /\[1\] \(com\.[a-z]+\.[a-z]+\.\d+\[\d+\]\):/, // a Mac-style launcher line
    ]) expect(text).toMatch(shape);
  });

  it('give events whose words are shared but key sets differ (two events)', () => {
    const systems = Array.from({ length: 24 }, (_, i) => styleSystem(i + 1)).filter((s) => s.name.includes('keyValue'));
    expect(systems.length).toBeGreaterThan(0);
    let pairs = 0;
    for (const s of systems) {
      const keysOf = new Map<string, string>();
      s.lines.forEach((l, i) => keysOf.set(s.events[i], l.replace(/=("[^"]*"|\S+)/g, '=')));
      const shapes = [...keysOf.values()];
      // Two events with the same words before the keys but another key list.
      for (const a of shapes) for (const b of shapes) if (a < b && a.split(' ')[0] === b.split(' ')[0] && a.split('=')[0].split(' ').slice(0, -1).join(' ') === b.split('=')[0].split(' ').slice(0, -1).join(' ')) pairs++;
    }
    expect(pairs).toBeGreaterThan(0);
  });
});

describe('split and merge counts', () => {
  it.each([
    ['perfect', ['a', 'a', 'b'], ['x', 'x', 'y'], { splitEvents: 0, splitLines: 0, mergedGroups: 0, mergedLines: 0 }],
    ['one event split in two', ['a', 'b', 'c'], ['x', 'x', 'y'], { splitEvents: 1, splitLines: 2, mergedGroups: 0, mergedLines: 0 }],
    ['two events in one group', ['a', 'a', 'a'], ['x', 'x', 'y'], { splitEvents: 0, splitLines: 0, mergedGroups: 1, mergedLines: 3 }],
  ])('%s', (_name, pred, truth, want) => {
    expect(splitMergeCounts(pred, truth)).toEqual(want);
    expect(groupingScores(pred, truth).ga === 1).toBe(want.splitEvents + want.mergedGroups === 0);
  });

  it('refuses predictions of another length', () => {
    expect(() => splitMergeCounts(['a'], ['x', 'y'])).toThrow(/1 lines, truth 2/);
  });
});

describe('sandbox log systems', () => {
  it('render every sandbox format with known events; JSON lines parse', () => {
    const systems = simLogSystems(1, 500);
    expect(systems.map((s) => s.name)).toContain('sim-json');
    for (const s of systems) {
      expect(s.lines).toHaveLength(500);
      expect(new Set(s.events).size).toBeGreaterThan(5);
    }
    const json = systems.find((s) => s.name === 'sim-json')!;
    expect(parseJsonLine(json.lines[0])?.message).toBeTruthy();
  });
});

describe('leave-one-system-out', () => {
  it('keeps the defaults when nothing does strictly better on the other systems', () => {
    const s = synthSystem(4, 300);
    const twin = { name: 'a', format: 'text', lines: s.lines, events: s.events };
    const folds = leaveOneSystemOut([twin, { ...twin, name: 'b' }]);
    expect(folds).toHaveLength(2);
    expect(LOSO_GRID).toContainEqual(folds[0].chosen);
    // Identical systems: whatever is chosen on one scores the same on the other.
    expect(folds[0].ga).toBe(folds[1].ga);
    expect(folds[0].ga).toBeGreaterThanOrEqual(folds[0].defaultGa - 1e-12);
  });

  it('needs two systems', () => {
    expect(leaveOneSystemOut([])).toEqual([]);
  });
});
