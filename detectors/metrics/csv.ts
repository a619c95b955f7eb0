/**
 * The `timestamp,value` CSV that `warroom detect` reads (the NAB data format): parsing only, no
 * I/O. Accepts CRLF or LF, a missing final newline, an optional header, quoted fields and blank
 * lines (skipped). A row whose timestamp or value does not parse is kept (the output has one row
 * per input row) with NaN in its place, and the detector skips it.
 */

export interface SeriesRow {
  /** 1-based line number in the input. */
  line: number;
  /** The fields as written (echoed in the output). */
  tsText: string;
  valueText: string;
  /** Epoch ms, NaN when it does not parse. */
  ts: number;
  /** NaN when empty or not a number. */
  value: number;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Epoch ms of an ISO-8601-like timestamp ("2014-04-01 00:00:00", "…T…Z", "…+02:00", fractional
 * seconds); one without a zone is UTC. A bare number is epoch seconds below 1e11, else epoch ms.
 * NaN when it does not parse.
 * @example parseTimestamp('2014-04-01 00:05:00') // → 1396310700000
 */
export function parseTimestamp(text: string): number {
  const s = text.trim();
  if (s === '') return NaN;
  if (/^-?\d+(\.\d+)?$/.test(s)) {
    const n = Number(s);
    return Math.abs(n) < 1e11 ? n * 1000 : n;
  }
  const m = ISO.exec(s);
  if (!m) return NaN;
  const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = '', zone] = m;
  const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec), ms);
  if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31 || Number(h) > 23 || Number(mi) > 59 || Number(sec) > 60) return NaN;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  return t;
}

function unquote(s: string): string {
  const t = s.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replace(/""/g, '"') : t;
}

/** Splits one CSV line at commas outside double quotes. */
function splitLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** Parses `timestamp,value` CSV text into rows (a first line whose value is not a number is the header). */
export function parseSeriesCsv(text: string): { header: string[] | null; rows: SeriesRow[] } {
  const lines = text.split(/\r?\n/);
  const rows: SeriesRow[] = [];
  let header: string[] | null = null;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].replace(/\r$/, '');
    if (raw.trim() === '') continue;
    const fields = splitLine(raw);
    const tsText = unquote(fields[0] ?? '');
    const valueText = unquote(fields[1] ?? '');
    if (rows.length === 0 && header === null && Number.isNaN(parseTimestamp(tsText)) && !isNumber(valueText)) {
      header = fields.map(unquote);
      continue;
    }
    rows.push({ line: i + 1, tsText, valueText, ts: parseTimestamp(tsText), value: isNumber(valueText) ? Number(valueText) : NaN });
  }
  return { header, rows };
}

function isNumber(s: string): boolean {
  return s.trim() !== '' && !Number.isNaN(Number(s));
}
