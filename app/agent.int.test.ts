/**
 * The agent on Postgres, as the composition root builds it: threads checkpointed in the
 * agent_checkpoints schema of the DATABASE_URL database, continuing across a restart.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { freshPostgresDb, POSTGRES_URL, startEmbedded } from './embedded.js';

describe('POST /v1/agent/ask on Postgres', () => {
  it('keeps a thread in Postgres: the follow-up after a restart is about the first turn\'s incident', async () => {
    const db = await freshPostgresDb(POSTGRES_URL);
    try {
      // startEmbedded('postgres') makes and drops a database of its own; this test needs one that outlives a restart.
      const start = () => startEmbedded('pglite', { DATABASE_URL: db.url });
      let e = await start();
      let incident: string;
      try {
        expect(e.w.agent()).toMatchObject({ checkpoints: 'postgres', model: 'planner' });
        incident = (await e.client().post('/v1/incidents/open', { title: 'Payments latency', service: 'payments', severity: 'sev2' })).body.id;
        const first = await e.client().post('/v1/agent/ask', { question: 'status', incident_id: incident, thread_id: 'pg-thread' });
        expect(first.status).toBe(200);
        expect(first.body.citations[0]).toMatchObject({ id: incident, kind: 'incident' });
      } finally {
        await e.stop();
      }
      e = await start();
      try {
        const again = await e.client().post('/v1/agent/ask', { question: 'what changed?', thread_id: 'pg-thread' });
        expect(again.status).toBe(200);
        expect(again.body.tool_calls.map((c: { tool: string; input: { incidentId?: string } }) => [c.tool, c.input.incidentId])).toEqual([['list_changes', incident]]);
      } finally {
        await e.stop();
      }
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      try {
        const rows = await c.query(`SELECT count(*)::int AS n FROM agent_checkpoints.checkpoints WHERE thread_id = 'default:pg-thread'`);
        expect(rows.rows[0].n).toBeGreaterThan(0);
      } finally {
        await c.end();
      }
    } finally {
      await db.drop();
    }
  }, 240_000);
});
