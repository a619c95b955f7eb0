import { describe, expect, it } from 'vitest';
import { parseSeriesCsv, parseTimestamp } from './csv.js';

describe('timestamps', () => {
  it.each([
    ['2014-04-01 00:05:00', Date.UTC(2014, 3, 1, 0, 5)],
    ['2014-04-01T00:05:00Z', Date.UTC(2014, 3, 1, 0, 5)],
    ['2014-04-01T02:05:00+02:00', Date.UTC(2014, 3, 1, 0, 5)],
    ['2011-07-11 04:00:01.000000', Date.UTC(2011, 6, 11, 4, 0, 1)],
    ['2014-04-01', Date.UTC(2014, 3, 1)],
    ['1396310700', 1396310700000],
    ['1396310700000', 1396310700000],
  ])('%s', (text, ms) => expect(parseTimestamp(text)).toBe(ms));

  it.each(['', 'yesterday', '2014-13-01 00:00:00', '2014-04-01 25:00:00'])('rejects %j', (t) => expect(parseTimestamp(t)).toBeNaN());
});

describe('series CSV', () => {
  it('reads a header, CRLF, quotes, blank lines and a missing final newline', () => {
    const { header, rows } = parseSeriesCsv('timestamp,value\r\n2014-04-01 00:00:00,1.5\r\n\r\n"2014-04-01 00:05:00","2"\r\n2014-04-01 00:10:00,abc');
    expect(header).toEqual(['timestamp', 'value']);
    expect(rows.map((r) => [r.line, r.value])).toEqual([[2, 1.5], [4, 2], [5, NaN]]);
    expect(rows[1].tsText).toBe('2014-04-01 00:05:00');
  });

  it('has no header when the first line is data, and keeps bad rows', () => {
    const { header, rows } = parseSeriesCsv('2014-04-01 00:00:00,1\nnot a time,2\n');
    expect(header).toBeNull();
    expect(rows).toHaveLength(2);
    expect(rows[1].ts).toBeNaN();
    expect(parseSeriesCsv('').rows).toEqual([]);
  });
});
