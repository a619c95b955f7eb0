import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Lead } from '../core/ports/index.js';
import { whileLeading, type LeadWork } from './lead.js';

const logger = pino({ level: 'silent' });
const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

/** A database's roles in memory: one holder each; `drop` ends a holder's session. */
function roles() {
  const held = new Map<string, () => void>();
  return {
    async lead(role: string): Promise<Lead | null> {
      if (held.has(role)) return null;
      let settle = () => undefined as void;
      const lost = new Promise<void>((r) => (settle = r));
      const end = () => {
        if (held.get(role) === end) held.delete(role);
        settle();
      };
      held.set(role, end);
      return { role, lost, release: async () => end() };
    },
    drop: (role: string) => held.get(role)?.(),
    holds: (role: string) => held.has(role),
  };
}

function work(log: string[], name: string): () => Promise<LeadWork> {
  return async () => {
    log.push(`${name} start`);
    return { stop: async () => void log.push(`${name} stop`), abandon: async () => void log.push(`${name} abandon`) };
  };
}

describe('whileLeading', () => {
  it('runs the work in one process only; the other stands by and takes over on a graceful stop', async () => {
    const db = roles();
    const log: string[] = [];
    const a = whileLeading(db, 'detect', work(log, 'a'), { logger, retryMs: 10 });
    await a.ready;
    const b = whileLeading(db, 'detect', work(log, 'b'), { logger, retryMs: 10 });
    await b.ready;
    expect([a.leading, b.leading]).toEqual([true, false]);
    await a.unsubscribe(); // stops the work before giving the role up: its state is saved first
    expect(log).toEqual(['a start', 'a stop']);
    for (let i = 0; i < 50 && !b.leading; i++) await tick();
    expect(b.leading).toBe(true);
    expect(log).toEqual(['a start', 'a stop', 'b start']);
    await b.unsubscribe();
    expect(db.holds('detect')).toBe(false);
  });

  it('abandons the work (saving nothing) when the role is lost, and takes it back once it is free', async () => {
    const db = roles();
    const log: string[] = [];
    const a = whileLeading(db, 'detect', work(log, 'a'), { logger, retryMs: 10 });
    await a.ready;
    db.drop('detect'); // the session holding the lock ended
    for (let i = 0; i < 50 && log.length < 3; i++) await tick();
    expect(log).toEqual(['a start', 'a abandon', 'a start']);
    expect(a.leading).toBe(true);
    await a.unsubscribe();
    expect(log.at(-1)).toBe('a stop');
  });

  it('gives the role up when the work cannot start, and tries again', async () => {
    const db = roles();
    let fails = 1;
    const a = whileLeading(
      db,
      'detect',
      async () => {
        if (fails-- > 0) throw new Error('bus down');
        return { stop: async () => undefined, abandon: async () => undefined };
      },
      { logger, retryMs: 10 },
    );
    await a.ready;
    expect(a.leading).toBe(false);
    expect(db.holds('detect')).toBe(false);
    for (let i = 0; i < 50 && !a.leading; i++) await tick();
    expect(a.leading).toBe(true);
    await a.unsubscribe();
  });
});
