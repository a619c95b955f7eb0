/**
 * One entry point from a raw line to a LogRecord, whatever the input: JSON, logfmt, a
 * `<Field>` format string, or plain text. Bad input never throws and is never dropped: a line
 * that does not parse becomes a raw-text record, and a huge line is cut with a mark.
 */
import { compileLogFormat } from './format.js';
import { TRUNCATION_MARK } from './tokenize.js';
import { normalizeLevel } from './stats.js';
import { parseJsonLine, parseLogfmtLine, looksLikeLogfmt, type LogRecord } from './structured.js';

export { TRUNCATION_MARK };

/** Default longest line, in UTF-16 code units, before truncation. */
export const DEFAULT_MAX_LINE_LENGTH = 32 * 1024;

/** `auto`: JSON, logfmt or plain text per line; `json` / `logfmt` / `text`; anything else is a `<Field>` format. */
export type LineFormat = 'auto' | 'json' | 'logfmt' | 'text' | (string & {});

/** Cuts `line` to `max` code units (never inside a surrogate pair) and appends the mark. */
export function truncateLine(line: string, max: number): { line: string; truncated: boolean } {
  if (line.length <= max) return { line, truncated: false };
  let end = max;
  const c = line.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return { line: `${line.slice(0, end)} ${TRUNCATION_MARK}`, truncated: true };
}

/** A raw-text record: the whole line is the message. */
export function rawRecord(line: string, truncated = false): LogRecord {
  return { message: line, fields: {}, raw: true, truncated };
}

/** Builds a parser for one line format (throws on a bad format string, once, up front). */
export function createLineParser(format: LineFormat = 'auto', maxLineLength = DEFAULT_MAX_LINE_LENGTH): (line: string) => LogRecord {
  const fmt = format === 'auto' || format === 'json' || format === 'logfmt' || format === 'text' ? undefined : compileLogFormat(format);
  return (input) => {
    const { line, truncated } = truncateLine(input.endsWith('\r') ? input.slice(0, -1) : input, maxLineLength);
    let rec: LogRecord | undefined;
    if (fmt) {
      const fields = fmt.parse(line);
      if (fields) {
        const { Content, ...rest } = fields;
        const level = fmt.levelField === undefined ? undefined : rest[fmt.levelField];
        rec = { message: Content, level: normalizeLevel(level), fields: rest, raw: false, truncated };
      }
    } else if (format === 'json') rec = parseJsonLine(line);
    else if (format === 'logfmt') rec = parseLogfmtLine(line);
    else if (format === 'text') rec = { message: line, fields: {}, raw: false, truncated };
    else {
      const t = line.trimStart();
      if (t.startsWith('{')) rec = parseJsonLine(line);
      else if (looksLikeLogfmt(line)) rec = parseLogfmtLine(line);
      else rec = { message: line, fields: {}, raw: false, truncated };
    }
    if (!rec) return rawRecord(line, truncated);
    rec.truncated = truncated;
    return rec;
  };
}

/** Attaches joined continuation lines (a stack trace) to the record parsed from their head line. */
export function withContinuation(record: LogRecord, continuation: readonly string[]): LogRecord {
  if (continuation.length === 0) return record;
  const trace = continuation.join('\n');
  return { ...record, stack: record.stack ? `${record.stack}\n${trace}` : trace };
}
