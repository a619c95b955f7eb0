/**
 * The detection worker thread: an EngineTable behind a message port. Requests are
 * `{id, op, args}`, answered in order with `{id, ok, value}` or `{id, ok: false, error}`; an
 * error in one request (a bad batch) is that request's answer, never the thread's end.
 */
import { parentPort } from 'node:worker_threads';
import { EngineTable } from './detect-host.js';

export type WorkerOp = 'load' | 'setSlos' | 'process' | 'snapshot';
export interface WorkerRequest {
  id: number;
  op: WorkerOp;
  args: unknown[];
}
export type WorkerReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

const OPS: ReadonlySet<string> = new Set<WorkerOp>(['load', 'setSlos', 'process', 'snapshot']);
const table = new EngineTable();
const port = parentPort;
if (!port) throw new Error('detect-worker.ts runs only as a worker thread');

port.on('message', (req: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    if (!OPS.has(req.op)) throw new Error(`unknown op ${String(req.op)}`);
    const fn = table[req.op] as (...a: unknown[]) => unknown;
    reply = { id: req.id, ok: true, value: fn.apply(table, req.args) };
  } catch (err) {
    reply = { id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(reply);
});
