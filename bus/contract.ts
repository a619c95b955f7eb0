/**
 * The one contract every Bus adapter must pass (run by inproc.test.ts and nats.int.test.ts).
 * Tests observe only the port: they wait for effects with deadlines instead of peeking at
 * adapter internals, and each test opens its own bus so one test's leftovers cannot leak in.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isAppError } from '../core/errors.js';
import type { Bus, BusMessage, DeadLetter } from '../core/ports/index.js';

export interface ContractBusOptions {
  /** Publish dedupe window the adapter must use, short so the consumer-side test can outwait it. */
  dedupeWindowMs: number;
}

/** Fresh, isolated bus per call (the NATS suite uses a new stream prefix each time). */
export type MakeBus = (o: ContractBusOptions) => Promise<Bus>;

/**
 * Resolves once the bus has nothing in flight: every delivered message answered (acked,
 * dead-lettered) and nothing deliverable left, so no further handler call can come. The tests
 * that check "exactly once" wait on it before counting, instead of watching for a while.
 */
export type Settle = (bus: Bus) => Promise<void>;

const DEDUPE_WINDOW_MS = 500;
const RETRY_MS = 100;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, cond: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);

export function busContract(name: string, makeBus: MakeBus, settle: Settle): void {
  describe(`Bus contract: ${name}`, () => {
    const open: Bus[] = [];
    const bus = async () => {
      const b = await makeBus({ dedupeWindowMs: DEDUPE_WINDOW_MS });
      open.push(b);
      return b;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((b) => b.close()));
    });

    it('delivers each message once per group and a copy to every group', async () => {
      const b = await bus();
      const seen: Record<string, BusMessage<{ n: number }>[]> = { a: [], b: [] };
      for (const g of ['a', 'b'] as const) {
        await b.subscribe<{ n: number }>('signal.ingest', async (m) => void seen[g].push(m), { group: g });
      }
      const sent = ids('fan', 5);
      for (const [n, id] of sent.entries()) await b.publish('signal.ingest', { id, orgId: 'org1', payload: { n } });
      await waitFor('both groups', () => seen.a.length >= 5 && seen.b.length >= 5);
      await settle(b);
      for (const g of ['a', 'b'] as const) {
        expect(seen[g].map((m) => m.id).sort()).toEqual(sent);
        expect(seen[g][0]).toMatchObject({ subject: 'signal.ingest', orgId: 'org1', deliveryCount: 1 });
        expect(seen[g].find((m) => m.id === sent[3])?.payload).toEqual({ n: 3 });
      }
    });

    it('load-balances within a group: each message to one member', async () => {
      const b = await bus();
      const got: string[][] = [[], []];
      for (const i of [0, 1]) {
        await b.subscribe(
          'signal.detect',
          async (m) => {
            got[i].push(m.id);
            await sleep(20); // long enough that one member cannot take everything
          },
          { group: 'workers' },
        );
      }
      const sent = ids('lb', 12);
      for (const id of sent) await b.publish('signal.detect', { id, orgId: 'org1', payload: null });
      await waitFor('all handled', () => got[0].length + got[1].length >= sent.length);
      await settle(b);
      expect([...got[0], ...got[1]].sort()).toEqual(sent);
      expect(got[0].length).toBeGreaterThan(0);
      expect(got[1].length).toBeGreaterThan(0);
    });

    it('redelivers a failed message until a handler acks it', async () => {
      const b = await bus();
      const counts: number[] = [];
      let successes = 0;
      await b.subscribe(
        'rca.make',
        async (m) => {
          counts.push(m.deliveryCount);
          if (counts.length <= 2) throw new Error(`transient ${counts.length}`);
          successes++;
        },
        { group: 'rca', retryDelayMs: RETRY_MS, maxDeliver: 5 },
      );
      await b.publish('rca.make', { id: 'retry-1', orgId: 'org1', payload: {} });
      await waitFor('success', () => successes === 1);
      await settle(b);
      expect(counts).toEqual([1, 2, 3]);
      expect(successes).toBe(1);
    });

    it('dead-letters a message after maxDeliver failures, with the reason', async () => {
      const b = await bus();
      const letters: DeadLetter[] = [];
      await b.subscribeDeadLetters('fix.plan', async (d) => void letters.push(d));
      let attempts = 0;
      await b.subscribe(
        'fix.plan',
        async () => {
          attempts++;
          throw new Error('planner exploded');
        },
        { group: 'planner', maxDeliver: 3, retryDelayMs: RETRY_MS },
      );
      await b.publish('fix.plan', { id: 'dl-1', orgId: 'org9', payload: { x: 1 } });
      await waitFor('dead letter', () => letters.length === 1);
      await settle(b);
      expect(attempts).toBe(3);
      expect(letters).toHaveLength(1);
      const [d] = letters;
      expect(d.group).toBe('planner');
      expect(d.reason).toBe('planner exploded');
      expect(d.message).toMatchObject({ id: 'dl-1', subject: 'fix.plan', orgId: 'org9', payload: { x: 1 }, deliveryCount: 3 });
      expect(Number.isNaN(Date.parse(d.failedAt))).toBe(false);
    });

    it('handles a duplicate publish (same id) once', async () => {
      const b = await bus();
      const got: string[] = [];
      // Slow handler, room for all at once: a duplicate that got through would run before the
      // first copy is acked, so the consumer-side dedupe could not hide it.
      await b.subscribe(
        'rag.answer',
        async (m) => {
          got.push(m.id);
          await sleep(100);
        },
        { group: 'rag', concurrency: 4 },
      );
      await b.publish('rag.answer', { id: 'dup-1', orgId: 'org1', payload: 1 });
      await b.publish('rag.answer', { id: 'dup-1', orgId: 'org1', payload: 1 });
      await b.publish('rag.answer', { id: 'dup-1', orgId: 'org1', payload: 2 });
      await b.publish('rag.answer', { id: 'after-dup', orgId: 'org1', payload: 3 });
      await waitFor('both ids', () => got.includes('dup-1') && got.includes('after-dup'));
      await settle(b);
      expect(got.sort()).toEqual(['after-dup', 'dup-1']);
    });

    it('skips an id the group already acked, even after the publish dedupe window', async () => {
      const b = await bus();
      const got: string[] = [];
      await b.subscribe('verify.run', async (m) => void got.push(m.id), { group: 'verify' });
      await b.publish('verify.run', { id: 'idem-1', orgId: 'org1', payload: 1 });
      await waitFor('first delivery', () => got.length === 1);
      await sleep(DEDUPE_WINDOW_MS * 2); // now the publish goes through and only the consumer can stop it
      await b.publish('verify.run', { id: 'idem-1', orgId: 'org1', payload: 1 });
      await b.publish('verify.run', { id: 'idem-2', orgId: 'org1', payload: 2 });
      await waitFor('later message', () => got.includes('idem-2'));
      await settle(b);
      expect(got).toEqual(['idem-1', 'idem-2']);
    });

    it('never lets a handler error crash the process', async () => {
      const b = await bus();
      const escaped: unknown[] = [];
      const onEscape = (e: unknown) => void escaped.push(e);
      process.on('unhandledRejection', onEscape);
      process.on('uncaughtException', onEscape);
      try {
        const letters: DeadLetter[] = [];
        await b.subscribeDeadLetters('export.make', async (d) => void letters.push(d));
        const throwers: Record<string, () => Promise<void>> = {
          'err-async': async () => {
            await sleep(1);
            throw new Error('async boom');
          },
          'err-sync': () => {
            throw new Error('sync boom'); // not even a rejected promise
          },
          'err-string': async () => {
            throw 'a string';
          },
          'err-undefined': async () => {
            throw undefined;
          },
        };
        await b.subscribe('export.make', (m) => throwers[m.id](), { group: 'export', maxDeliver: 2, retryDelayMs: 50 });
        for (const id of Object.keys(throwers)) await b.publish('export.make', { id, orgId: 'org1', payload: null });
        await waitFor('all dead-lettered', () => letters.length === 4);
        for (const d of letters) expect(typeof d.reason === 'string' && d.reason.length > 0).toBe(true);
        expect(letters.find((d) => d.message.id === 'err-sync')?.reason).toBe('sync boom');
        expect(letters.find((d) => d.message.id === 'err-string')?.reason).toBe('a string');
        // The bus still works afterwards.
        const ok: string[] = [];
        await b.subscribe('export.make', async (m) => void ok.push(m.id), { group: 'export-2' });
        await b.publish('export.make', { id: 'fine', orgId: 'org1', payload: null });
        await waitFor('later message', () => ok.includes('fine'));
        await settle(b);
        expect(escaped).toEqual([]);
      } finally {
        process.off('unhandledRejection', onEscape);
        process.off('uncaughtException', onEscape);
      }
    });

    it('keeps publish order within a subject for one group with concurrency 1', async () => {
      const b = await bus();
      const got: string[] = [];
      await b.subscribe(
        'signal.correlate',
        async (m) => {
          await sleep(m.id.endsWith('0') ? 15 : 1); // uneven handler times must not reorder
          got.push(m.id);
        },
        { group: 'correlator', concurrency: 1 },
      );
      const sent = ids('ord', 25);
      for (const id of sent) await b.publish('signal.correlate', { id, orgId: 'org1', payload: null });
      await waitFor('all', () => got.length >= sent.length);
      expect(got).toEqual(sent);
    });

    it('runs at most `concurrency` handlers at once', async () => {
      const b = await bus();
      let running = 0;
      let peak = 0;
      let done = 0;
      await b.subscribe(
        'fix.preflight',
        async () => {
          running++;
          peak = Math.max(peak, running);
          await sleep(60);
          running--;
          done++;
        },
        { group: 'preflight', concurrency: 3 },
      );
      for (const id of ids('cc', 9)) await b.publish('fix.preflight', { id, orgId: 'org1', payload: null });
      await waitFor('all', () => done === 9);
      expect(peak).toBeLessThanOrEqual(3);
      expect(peak).toBeGreaterThan(1);
    });

    it('delivers messages published before any subscriber to the first group', async () => {
      const b = await bus();
      const sent = ids('early', 3);
      for (const id of sent) await b.publish('incident.updated', { id, orgId: 'org1', payload: null });
      const got: string[] = [];
      await b.subscribe('incident.updated', async (m) => void got.push(m.id), { group: 'notifier' });
      await waitFor('backlog', () => got.length >= 3);
      expect(got).toEqual(sent);
    });

    it('keeps a group’s messages while it has no member and resumes when one joins', async () => {
      const b = await bus();
      const first: string[] = [];
      const sub = await b.subscribe('fix.execute', async (m) => void first.push(m.id), { group: 'exec' });
      await b.publish('fix.execute', { id: 'ex-1', orgId: 'org1', payload: null });
      await waitFor('first', () => first.length === 1);
      await sub.unsubscribe();
      await b.publish('fix.execute', { id: 'ex-2', orgId: 'org1', payload: null });
      const second: string[] = [];
      await b.subscribe('fix.execute', async (m) => void second.push(m.id), { group: 'exec' });
      await waitFor('second', () => second.length === 1);
      await settle(b);
      // The group takes each message once: had the old member been handed ex-2 after it left,
      // the new one would not have it.
      expect(second).toEqual(['ex-2']);
      expect(first).toEqual(['ex-1']);
    });

    it('rejects an oversized payload with a clear error and bad input up front', async () => {
      const b = await bus();
      const big = 'x'.repeat(1024 * 1024 + 1);
      const err = await b.publish('signal.ingest', { id: 'big', orgId: 'org1', payload: big }).catch((e: unknown) => e);
      expect(isAppError(err) && err.code).toBe('payload_too_large');
      expect((err as Error).message).toMatch(/bytes/);
      // A large message within the limit goes through.
      const got: number[] = [];
      await b.subscribe<string>('signal.ingest', async (m) => void got.push(m.payload.length), { group: 'big' });
      await b.publish('signal.ingest', { id: 'large-ok', orgId: 'org1', payload: 'y'.repeat(900 * 1024) });
      await waitFor('large message', () => got.length === 1);
      expect(got).toEqual([900 * 1024]);
      const bad = await b.publish('nope.nope' as never, { id: 'x', orgId: 'org1', payload: null }).catch((e: unknown) => e);
      expect(isAppError(bad) && bad.code).toBe('bad_request');
      const noGroup = await b.subscribe('signal.ingest', async () => undefined, { group: '' }).catch((e: unknown) => e);
      expect(isAppError(noGroup) && noGroup.code).toBe('bad_request');
    });

    it('close() waits for in-flight handlers, then refuses work', async () => {
      const b = await bus();
      let started = false;
      let finished = false;
      await b.subscribe(
        'signal.ingest',
        async () => {
          started = true;
          await sleep(300);
          finished = true;
        },
        { group: 'slow' },
      );
      await b.publish('signal.ingest', { id: 'slow-1', orgId: 'org1', payload: null });
      await waitFor('handler start', () => started);
      await b.close();
      expect(finished).toBe(true);
      await b.close(); // idempotent
      const pub = await b.publish('signal.ingest', { id: 'late', orgId: 'org1', payload: null }).catch((e: unknown) => e);
      expect(isAppError(pub) && pub.code).toBe('unavailable');
      const sub = await b.subscribe('signal.ingest', async () => undefined, { group: 'late' }).catch((e: unknown) => e);
      expect(isAppError(sub) && sub.code).toBe('unavailable');
    });
  });
}
