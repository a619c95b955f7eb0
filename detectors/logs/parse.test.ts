import { describe, expect, it } from 'vitest';
import { TRUNCATION_MARK, createLineParser, truncateLine, withContinuation } from './parse.js';

describe('createLineParser', () => {
  it.each([
    {
      name: 'format string: content, level and header fields',
      format: '<Date> <Time> <Level> <Component>: <Content>',
      line: '2024-01-01 10:00:00 WARNING db: slow query\r',
      want: { message: 'slow query', level: 'warn', fields: { Date: '2024-01-01', Time: '10:00:00', Level: 'WARNING', Component: 'db' }, raw: false },
    },
    { name: 'format string: a line that does not match is raw', format: '<Date> <Time> <Level> <Component>: <Content>', line: 'garbage', want: { message: 'garbage', raw: true } },
    { name: 'json', format: 'json', line: '{"msg":"hi","level":"debug"}', want: { message: 'hi', level: 'debug', raw: false } },
    { name: 'json: not json is raw', format: 'json', line: 'hi there', want: { message: 'hi there', raw: true } },
    { name: 'logfmt', format: 'logfmt', line: 'level=warn msg="disk 91% full"', want: { message: 'disk 91% full', level: 'warn' } },
    { name: 'auto: plain text', format: 'auto', line: 'plain words 1', want: { message: 'plain words 1', raw: false } },
    { name: 'auto: broken JSON is raw', format: 'auto', line: '{"msg": "cut', want: { message: '{"msg": "cut', raw: true } },
    { name: 'text: everything is the message', format: 'text', line: '{"msg":"x"}', want: { message: '{"msg":"x"}', raw: false } },
  ])('$name', ({ format, line, want }) => {
    expect(createLineParser(format)(line)).toMatchObject(want);
  });

  it('cuts a huge line with a mark', () => {
    const r = createLineParser('text', 100)('a'.repeat(1 << 20));
    expect(r).toMatchObject({ truncated: true });
    expect(r.message.endsWith(TRUNCATION_MARK)).toBe(true);
    expect(r.message.length).toBeLessThan(120);
  });
});

describe('truncateLine', () => {
  it('never cuts a surrogate pair in half', () => {
    const { line } = truncateLine('ab😀cd', 3);
    expect(line).toBe(`ab ${TRUNCATION_MARK}`);
  });
});

describe('withContinuation', () => {
  it('attaches continuation lines as the stack', () => {
    const rec = createLineParser('text')('ERROR failed');
    expect(withContinuation(rec, ['\tat a.B(B.java:1)', '\tat c.D(D.java:2)']).stack).toBe('\tat a.B(B.java:1)\n\tat c.D(D.java:2)');
    expect(withContinuation(rec, [])).toBe(rec);
  });
});
