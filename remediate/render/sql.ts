/**
 * SQL: a database change as a migration pair, `up` (CREATE INDEX CONCURRENTLY) and `down` (DROP
 * INDEX CONCURRENTLY), from remediate/commands.ts' typed builder. Every other change is a
 * Kubernetes one: no rendering, with the reason.
 */
import { indexName, sql } from '../commands.js';
import type { StepChange } from './step.js';
import { unavailable, type RenderResult } from './types.js';

// CONCURRENTLY builds without locking writes, and for that reason cannot run in a transaction block
const NO_TX = '-- CONCURRENTLY cannot run inside a transaction block: run this migration without one';

export function renderSql(c: StepChange): RenderResult {
  if (c.kind !== 'index') return unavailable('sql', 'not a database change: see the kubectl, helm, terraform or ansible format');
  const r = sql.createIndex(c.table, c.column);
  const file = indexName(c.table, c.column);
  return { format: 'sql', change: `-- ${file}.up.sql\n${NO_TX}\n${r.command}`, rollback: `-- ${file}.down.sql\n${NO_TX}\n${r.rollback}` };
}
