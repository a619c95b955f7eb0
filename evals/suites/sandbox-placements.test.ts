import { describe, expect, it } from 'vitest';
import { loadLibrary } from '../../sim/edge/library.js';
import { FAULTS } from '../../sim/faults.js';
import { heldOutScenarios, NOISY_PLACEMENTS } from './sandbox-placements.js';

describe('held-out sandbox placements', () => {
  const library = loadLibrary().scenarios;
  const placed = (s: { faults: { kind: keyof typeof FAULTS; service?: string | null }[] }) => s.faults.map((f) => `${f.kind}:${f.service ?? FAULTS[f.kind].defaultService}`);

  it('puts each fault kind only where the library does not, under ids of their own', () => {
    const plain = heldOutScenarios(library);
    const used = new Set(library.flatMap(placed));
    expect(plain.length).toBeGreaterThan(15);
    for (const s of plain) for (const p of placed(s)) expect(used.has(p)).toBe(false);
    const ids = plain.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    const libraryIds = new Set(library.map((s) => s.id));
    expect(ids.filter((id) => libraryIds.has(id))).toEqual([]);
  });

  it('the noisy variant is the same placements with 8 % traffic noise, other seeds and start', () => {
    const plain = heldOutScenarios(library);
    const noisy = heldOutScenarios(library, NOISY_PLACEMENTS);
    expect(noisy.map((s) => placed(s))).toEqual(plain.map((s) => placed(s)));
    expect(noisy.every((s) => s.baseline.noise === 0.08 && s.id.endsWith('-noisy'))).toBe(true);
    expect(plain.every((s) => s.baseline.noise === 0.03)).toBe(true);
    expect(noisy.some((s, i) => s.seed === plain[i].seed || s.startMs === plain[i].startMs)).toBe(false);
  });
});
