/** The registry: unknown names, argument validation naming the valid values, masking, size bounds. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEFAULT_SECRET_MASKS } from '../detectors/secrets.js';
import { boundJson } from './bound.js';
import { READ_ONLY_TOOLS } from './index.js';
import { createRegistry, describeFields } from './registry.js';
import { type AgentTool, ok, type ToolContext } from './types.js';

// The registry reads only the masks from the session; the handlers here need nothing else.
const ctx = { session: { deps: { masks: DEFAULT_SECRET_MASKS } } } as unknown as ToolContext;

const echo: AgentTool = {
  name: 'echo',
  description: 'Returns its input.',
  schema: z.object({
    mode: z.enum(['short', 'long']).describe('How much to return.'),
    n: z.number().int().min(1).max(5000).default(1).describe('How many rows.'),
  }),
  async handler(_ctx, input) {
    const { mode, n } = input as { mode: string; n: number };
    const rows = Array.from({ length: n }, (_, i) => ({ id: `row_${i}`, text: mode === 'long' ? 'x'.repeat(500) : `line ${i} password=hunter2hunter2` }));
    return ok({ rows, header: 'Bearer abcdefghijklmnop', token: 'plain-value' }, rows.map((r) => ({ id: r.id, kind: 'evidence' as const, title: r.id, ref: `/x/${r.id}` })));
  },
};
const boom: AgentTool = {
  name: 'boom',
  description: 'Throws.',
  schema: z.object({}),
  async handler() {
    throw new Error('db connection string postgres://u:pw@h/db');
  },
};

describe('tool registry', () => {
  const reg = createRegistry([echo, boom]);

  it.each([
    ['an unknown name', 'approve_fix', {}, 'Unknown tool "approve_fix". Valid tools: echo, boom. All tools are read-only.'],
    ['a missing field', 'echo', {}, 'Invalid arguments for echo: mode: Invalid option: expected one of "short"|"long". Valid fields: mode (one of: short, long); n (integer, 1–5000, optional).'],
    ['a wrong type', 'echo', { mode: 'short', n: 'ten' }, 'Invalid arguments for echo: n: Invalid input: expected number, received string. Valid fields: mode (one of: short, long); n (integer, 1–5000, optional).'],
    ['arguments that are not an object', 'echo', 'mode=short', 'Invalid arguments for echo: (arguments): Invalid input: expected object, received string. Valid fields: mode (one of: short, long); n (integer, 1–5000, optional).'],
    ['a handler that throws (no internals leak)', 'boom', {}, 'internal: boom failed'],
  ])('%s gives an error result', async (_name, tool, args, error) => {
    expect(await reg.call(tool, args, ctx)).toEqual({ status: 'error', data: null, citations: [], error });
  });

  it('masks secrets in values and in secret-named keys before a model sees them', async () => {
    const r = await reg.call('echo', { mode: 'short', n: 2 }, ctx);
    expect(r.status).toBe('ok');
    expect(JSON.stringify(r)).not.toMatch(/hunter2hunter2|abcdefghijklmnop|plain-value/);
    expect(r.data).toMatchObject({ rows: [{ text: 'line 0 password=<:SECRET:>' }, { text: 'line 1 password=<:SECRET:>' }], header: 'Bearer <:SECRET:>', token: '<:SECRET:>' });
  });

  it('bounds a result to 16 KB, names the cut, and offers only the citations of the rows kept', async () => {
    const r = await reg.call('echo', { mode: 'long', n: 400 }, ctx);
    const rows = (r.data as { rows: unknown[] }).rows;
    expect(Buffer.byteLength(JSON.stringify(r.data))).toBeLessThanOrEqual(16_000);
    expect(rows.length).toBeGreaterThan(10);
    expect(r.truncated).toEqual([`rows: kept ${rows.length} of 400`]);
    expect(r.citations.map((c) => c.id)).toEqual(rows.map((x) => (x as { id: string }).id));
  });

  it('refuses a tool whose fields are not described for the model, and a name registered twice', () => {
    const bare: AgentTool = { ...echo, name: 'bare', schema: z.object({ q: z.string() }) };
    expect(() => createRegistry([bare])).toThrow('tool bare: fields without a description: q');
    expect(() => createRegistry([echo, echo])).toThrow('tool echo: registered twice');
  });

  it('gives models JSON Schema for every real tool, with every field described, and no mutating tool', () => {
    const defs = createRegistry(READ_ONLY_TOOLS).definitions();
    expect(defs.map((d) => d.function.name)).toEqual(['list_incidents', 'get_incident', 'root_cause', 'incident_evidence', 'search_knowledge', 'query_metric', 'list_anomalies', 'search_log_templates', 'incident_timeline', 'analyze_incident', 'explain_why_not', 'blast_radius', 'list_changes', 'similar_incidents', 'draft_fix_plan']);
    for (const d of defs) {
      const p = d.function.parameters as { type: string; properties: Record<string, { description?: string }> };
      expect(p.type).toBe('object');
      for (const [k, f] of Object.entries(p.properties)) expect(f.description, `${d.function.name}.${k}`).toBeTruthy();
    }
    expect(defs.map((d) => d.function.name).join(' ')).not.toMatch(/approve|execute|reject|delete|close|status_change|plan_fix/);
    expect(describeFields(READ_ONLY_TOOLS[0].schema)).toBe('status (one of: open, mitigated, resolved, closed, optional); service (string, optional); limit (integer, 1–50, optional)');
  });
});

describe('boundJson', () => {
  it.each([
    ['small values pass unchanged', { a: [1, 2, 3] }, 1000, { a: [1, 2, 3] }, []],
    ['a long string is cut with a count', { s: 'y'.repeat(2100) }, 100_000, { s: `${'y'.repeat(2000)}… (100 more characters)` }, []],
    ['the largest array is halved until it fits', { big: Array.from({ length: 64 }, (_, i) => i * 1000), small: [1] }, 120, { big: Array.from({ length: 16 }, (_, i) => i * 1000), small: [1] }, ['big: kept 16 of 64']],
  ])('%s', (_n, input, max, value, notes) => {
    expect(boundJson(input, max)).toEqual({ value, notes });
  });

  it('falls back to a prefix of the JSON when nothing is left to halve', () => {
    const r = boundJson({ a: 'z'.repeat(1500), b: 'z'.repeat(1500) }, 1000);
    expect(r.notes[0]).toMatch(/^result: cut to 1000 bytes of \d+$/);
    expect(typeof r.value).toBe('string');
    expect((r.value as string).length).toBeLessThanOrEqual(1000);
  });
});
