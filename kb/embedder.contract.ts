/**
 * The contract of the `Embedder` port (core/ports/embedder.ts): one suite, run against every
 * embedder (kb/embed.test.ts: the local one and the OpenAI-compatible client against a fake
 * server).
 */
import { describe, expect, it } from 'vitest';
import { type Embedder, STORED_DIM } from '../core/ports/index.js';
import { cosine } from './embed.js';

const norm = (v: number[]) => Math.sqrt(v.reduce((a, x) => a + x * x, 0));

export function embedderContract(name: string, make: () => Promise<Embedder>): void {
  describe(`embedder contract: ${name}`, () => {
    it('names its vector space and a storable dimension', async () => {
      const e = await make();
      expect(e.model.length).toBeGreaterThan(0);
      expect(e.dim).toBeGreaterThanOrEqual(1);
      expect(e.dim).toBeLessThanOrEqual(STORED_DIM);
      expect(e.maxBatch).toBeGreaterThanOrEqual(1);
    });

    it('returns one finite unit vector of `dim` numbers per text, in order', async () => {
      const e = await make();
      expect(await e.embed([])).toEqual([]);
      const texts = ['disk full on node', 'pod crash looping', 'certificate expires soon'];
      const vs = await e.embed(texts);
      expect(vs).toHaveLength(3);
      for (const v of vs) {
        expect(v).toHaveLength(e.dim);
        expect(v.every(Number.isFinite)).toBe(true);
        expect(norm(v)).toBeCloseTo(1, 5);
      }
      const one = await e.embed([texts[1]]);
      expect(cosine(one[0], vs[1])).toBeCloseTo(1, 6);
    });

    it('is deterministic and handles many texts in one call', async () => {
      const e = await make();
      const texts = Array.from({ length: 300 }, (_, i) => `alert number ${i} on service svc${i % 7}`);
      const a = await e.embed(texts);
      const b = await e.embed(texts);
      expect(a).toHaveLength(300);
      for (let i = 0; i < 300; i += 37) expect(cosine(a[i], b[i])).toBeCloseTo(1, 6);
    });

    it('puts related texts closer than unrelated ones', async () => {
      const e = await make();
      const [q, near, far] = await e.embed([
        'Alertmanager failed to reload its configuration',
        'AlertmanagerFailedReload: configuration reload failed for Alertmanager',
        'Ceph OSD disk not responding on host',
      ]);
      expect(cosine(q, near)).toBeGreaterThan(cosine(q, far));
    });
  });
}
