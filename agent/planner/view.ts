/**
 * What the planner sees of a turn (the question, the focus, the tools it holds, this turn's runs)
 * and the small steps every intent's plan is built from. Pure.
 */
import type { ToolResult } from '../../tools/types.js';

export interface ToolRun {
  name: string;
  args: Record<string, unknown>;
  result: ToolResult;
}

export interface PlannerView {
  question: string;
  /** The incident the thread is about, if any. */
  focus: string | null;
  /** Tool names the planner holds. */
  tools: string[];
  /** This turn's tool calls and results, in order. */
  runs: ToolRun[];
  /** Set when no tool may be called any more (the loop's budget is spent): answer from what is there. */
  composeOnly?: boolean;
}

export interface Call {
  name: string;
  args: Record<string, unknown>;
}

export type Decision = { calls: Call[] } | { text: string };

export const find = (runs: ToolRun[], name: string, pred: (a: Record<string, unknown>) => boolean = () => true) => [...runs].reverse().find((r) => r.name === name && pred(r.args));

const sameArgs = (a: Record<string, unknown>, b: Record<string, unknown>) => Object.entries(b).every(([k, x]) => a[k] === x);

/** The run of exactly this call in this turn. */
export const ran = (v: PlannerView, c: Call): ToolRun | undefined => find(v.runs, c.name, (a) => sameArgs(a, c.args) && sameArgs(c.args, a));

/** Whether the planner may use a tool: it holds it, or (composing) it already ran this turn. */
export const has = (v: PlannerView, name: string): boolean => v.tools.includes(name) || v.runs.some((r) => r.name === name);

/** Calls `calls` (those not run yet), then answers with `then` over their runs, in order. */
export function withRuns(v: PlannerView, calls: Call[], then: (runs: ToolRun[]) => Decision | string): Decision {
  const runs = calls.map((c) => ran(v, c));
  const missing = calls.filter((_, i) => !runs[i]);
  if (missing.length) return v.composeOnly ? { text: "I don't have what I need to answer that yet; ask again." } : callIfHeld(v, missing);
  const out = then(runs as ToolRun[]);
  return typeof out === 'string' ? { text: out } : out;
}

export function callIfHeld(v: PlannerView, calls: Call[]): Decision {
  const missing = calls.filter((c) => !v.tools.includes(c.name)).map((c) => c.name);
  if (missing.length) return { text: `I can't answer that here: the ${missing.join(', ')} tool is not available to me.` };
  return { calls };
}

