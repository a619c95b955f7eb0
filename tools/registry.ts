/**
 * One registry for the agent's tools. Every call goes through it: an unknown name gets an error
 * that lists the tools, arguments are validated with the tool's zod schema (an error names the
 * fields and their valid values), handler failures become error results, and every result is
 * masked for secrets and bounded in size before any model reads it.
 */
import { z } from 'zod';
import { isAppError } from '../core/errors.js';
import { maskDeep, maskSecrets } from '../detectors/secrets.js';
import { boundJson, MAX_RESULT_BYTES } from './bound.js';
import { type AgentTool, type ToolContext, type ToolResult, toolError } from './types.js';

/** A tool as a model receives it: the OpenAI "function" tool format, JSON Schema parameters. */
export interface ToolDefinition {
  type: 'function';
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

export interface ToolRegistry {
  readonly names: string[];
  definitions(): ToolDefinition[];
  /** Never throws: an unknown tool, bad arguments or a failing handler give an error result. */
  call(name: string, args: unknown, ctx: ToolContext): Promise<ToolResult>;
}

/** The JSON Schema of a tool's input (what a caller sends, so defaults are optional). */
export function parametersOf(schema: z.ZodObject): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  return rest;
}

/** "status (one of: open, mitigated), limit (integer 1–50, optional)": the valid values, for error messages. */
export function describeFields(schema: z.ZodObject): string {
  const json = parametersOf(schema) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {})
    .map(([name, p]) => {
      const parts: string[] = [];
      if (Array.isArray(p.enum)) parts.push(`one of: ${p.enum.join(', ')}`);
      else if (p.type) parts.push(String(p.type));
      if (p.minimum !== undefined || p.maximum !== undefined) parts.push(`${p.minimum ?? ''}–${p.maximum ?? ''}`);
      if (!required.has(name)) parts.push('optional');
      return `${name} (${parts.join(', ')})`;
    })
    .join('; ');
}

/** More citations than a chat can render usefully. */
const MAX_CITATIONS = 60;

function undescribed(schema: z.ZodObject): string[] {
  return Object.entries(schema.shape)
    .filter(([, f]) => !(f as z.ZodType).description)
    .map(([k]) => k);
}

/** Builds the registry; refuses a duplicate name or a field without a description. */
export function createRegistry(tools: AgentTool[], opts: { maxBytes?: number } = {}): ToolRegistry {
  const byName = new Map<string, AgentTool>();
  for (const t of tools) {
    if (byName.has(t.name)) throw new Error(`tool ${t.name}: registered twice`);
    const missing = undescribed(t.schema);
    if (missing.length) throw new Error(`tool ${t.name}: fields without a description: ${missing.join(', ')}`);
    byName.set(t.name, t);
  }
  const names = [...byName.keys()];
  const maxBytes = opts.maxBytes ?? MAX_RESULT_BYTES;

  return {
    names,
    definitions: () => tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: parametersOf(t.schema) } })),
    async call(name, args, ctx) {
      const masks = ctx.session.deps.masks;
      const tool = byName.get(name);
      if (!tool) return toolError(`Unknown tool "${maskSecrets(String(name).slice(0, 100), masks)}". Valid tools: ${names.join(', ')}. All tools are read-only.`);
      const parsed = tool.schema.safeParse(args ?? {});
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(arguments)'}: ${i.message}`).join('; ');
        return toolError(maskSecrets(`Invalid arguments for ${name}: ${issues}. Valid fields: ${describeFields(tool.schema)}.`, masks));
      }
      let result: ToolResult;
      try {
        result = await tool.handler(ctx, parsed.data);
      } catch (e) {
        result = toolError(isAppError(e) ? `${e.code}: ${e.message}` : `internal: ${name} failed`);
      }
      const masked = maskDeep(result, masks);
      const { value, notes } = boundJson(masked.data, maxBytes);
      // Citations follow the data: a row cut from the result is not offered for citing.
      const seen = JSON.stringify(value) ?? '';
      const citations = masked.citations.filter((c) => seen.includes(c.id)).slice(0, MAX_CITATIONS);
      return { ...masked, data: value, citations, ...(notes.length ? { truncated: notes } : {}) };
    },
  };
}
