/**
 * Structured log lines: JSON objects and logfmt. Each becomes a LogRecord whose `message` is
 * what gets clustered; level, error, trace id and stack are lifted out by the names the common
 * libraries use (pino, bunyan, winston, zap, logrus, slog, structlog, Serilog, OpenTelemetry).
 */
import { normalizeLevel } from './stats.js';

/** One parsed log record. `raw` marks a line that could not be parsed (clustered as text). */
export interface LogRecord {
  /** The text to cluster (for text logs the `<Content>` field or the whole line). */
  message: string;
  level?: string;
  traceId?: string;
  /** Error message or type, first line only. */
  error?: string;
  /** Stack trace (joined continuation lines or a stack field). */
  stack?: string;
  /** Other fields as strings (header fields of a format, JSON/logfmt keys). */
  fields: Record<string, string>;
  raw: boolean;
  truncated: boolean;
}

const MESSAGE_KEYS = ['message', 'msg', 'log', 'text', '@message', 'event', 'body', 'short_message', 'Message', 'MessageTemplate'];
const LEVEL_KEYS = ['level', 'lvl', 'severity', 'log.level', 'levelname', 'loglevel', '@level', 'severity_text', 'SeverityText', 'Level'];
const ERROR_KEYS = ['error', 'err', 'exception', 'exc', 'error.message', 'err.message', 'exception.message', 'Exception'];
const STACK_KEYS = ['stack', 'stacktrace', 'stack_trace', 'error.stack', 'err.stack', 'error.stack_trace', 'exception.stacktrace', 'exc_info', 'exception.stack'];
const TRACE_KEYS = ['trace_id', 'traceId', 'traceID', 'trace.id', 'dd.trace_id', 'otelTraceID', 'TraceId', 'trace'];

/** Looks up `path` as a flat key ("a.b") first, then as nested objects. */
function lookup(obj: Record<string, unknown>, path: string): unknown {
  if (path in obj) return obj[path];
  if (!path.includes('.')) return undefined;
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function firstOf(obj: Record<string, unknown>, keys: string[]): { key: string; value: unknown } | undefined {
  for (const k of keys) {
    const v = lookup(obj, k);
    if (v !== undefined && v !== null && v !== '') return { key: k, value: v };
  }
  return undefined;
}

const asText = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v));
const firstLine = (s: string): string => {
  const i = s.indexOf('\n');
  return (i < 0 ? s : s.slice(0, i)).trim();
};

/** An error value (string or object such as pino's `err`) as { message, stack }. */
function errorParts(v: unknown): { message?: string; stack?: string } {
  if (typeof v === 'string') return v.includes('\n') ? { message: firstLine(v), stack: v } : { message: v };
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const type = typeof o.type === 'string' ? o.type : typeof o.name === 'string' ? o.name : typeof o.kind === 'string' ? o.kind : undefined;
    const msg = typeof o.message === 'string' ? o.message : typeof o.msg === 'string' ? o.msg : undefined;
    const stack = typeof o.stack === 'string' ? o.stack : typeof o.stacktrace === 'string' ? o.stacktrace : undefined;
    const message = type && msg ? `${type}: ${firstLine(msg)}` : msg ? firstLine(msg) : type ?? (stack ? firstLine(stack) : asText(v));
    return { message, stack };
  }
  return { message: asText(v) };
}

/** The record for a decoded JSON object (message, level, error, trace id, stack, other fields). */
export function recordFromObject(obj: Record<string, unknown>): LogRecord {
  const used = new Set<string>();
  const take = (keys: string[]) => {
    const hit = firstOf(obj, keys);
    if (hit) used.add(hit.key.split('.')[0]);
    return hit?.value;
  };
  const msgV = take(MESSAGE_KEYS);
  const levelV = take(LEVEL_KEYS);
  const errV = take(ERROR_KEYS);
  const stackV = take(STACK_KEYS);
  const traceV = take(TRACE_KEYS);
  const err = errV === undefined ? {} : errorParts(errV);
  const stack = stackV !== undefined ? asText(stackV) : err.stack;
  let message = msgV !== undefined ? asText(msgV) : '';
  if (err.message && !message.includes(err.message)) message = message ? `${message}: ${err.message}` : err.message;
  if (message === '') message = `{${Object.keys(obj).sort().join(' ')}}`;
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj)) if (!used.has(k)) fields[k] = asText(v);
  return {
    message,
    level: normalizeLevel(levelV),
    traceId: traceV === undefined ? undefined : asText(traceV),
    error: err.message,
    stack,
    fields,
    raw: false,
    truncated: false,
  };
}

/** Parses a JSON log line; undefined when it is not a JSON object. */
export function parseJsonLine(line: string): LogRecord | undefined {
  const t = line.trim();
  if (t.charCodeAt(0) !== 123 /* { */) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(t);
  } catch {
    return undefined;
  }
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? recordFromObject(v as Record<string, unknown>) : undefined;
}

/**
 * Parses logfmt (`level=info msg="user signed in" user=42 ok`): keys, `=`, bare or double-quoted
 * values with backslash escapes, bare keys as flags. Undefined when the line is not logfmt.
 */
export function parseLogfmt(line: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  const n = line.length;
  let i = 0;
  let pairs = 0;
  while (i < n) {
    while (i < n && line.charCodeAt(i) <= 32) i++;
    if (i >= n) break;
    const ks = i;
    while (i < n) {
      const c = line.charCodeAt(i);
      if (c <= 32 || c === 61 /* = */ || c === 34 /* " */) break;
      i++;
    }
    if (i === ks) return undefined;
    const key = line.slice(ks, i);
    if (line.charCodeAt(i) !== 61) {
      if (i < n && line.charCodeAt(i) === 34) return undefined;
      out[key] = 'true';
      continue;
    }
    i++;
    pairs++;
    if (line.charCodeAt(i) === 34) {
      i++;
      let v = '';
      let closed = false;
      while (i < n) {
        const c = line[i];
        if (c === '\\' && i + 1 < n) {
          const e = line[i + 1];
          v += e === 'n' ? '\n' : e === 't' ? '\t' : e;
          i += 2;
        } else if (c === '"') {
          closed = true;
          i++;
          break;
        } else {
          v += c;
          i++;
        }
      }
      if (!closed) return undefined;
      out[key] = v;
    } else {
      const vs = i;
      while (i < n && line.charCodeAt(i) > 32) i++;
      out[key] = line.slice(vs, i);
    }
  }
  return pairs > 0 ? out : undefined;
}

/** True when a line reads as logfmt: it parses and names a message or a level. */
export function looksLikeLogfmt(line: string): boolean {
  if (!/(?:^|\s)(?:msg|message|level|lvl)=/.test(line)) return false;
  return parseLogfmt(line) !== undefined;
}

/** The record for a logfmt line, or undefined when it is not logfmt. */
export function parseLogfmtLine(line: string): LogRecord | undefined {
  const kv = parseLogfmt(line);
  if (!kv) return undefined;
  return recordFromObject(kv);
}
