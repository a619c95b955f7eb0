import { describe, expect, it } from 'vitest';
import { looksLikeLogfmt, parseJsonLine, parseLogfmt, parseLogfmtLine } from './structured.js';

describe('parseJsonLine', () => {
  it.each([
    {
      name: 'pino: msg, numeric level, err object with stack',
      line: '{"level":50,"time":1700000000000,"msg":"request failed","err":{"type":"Error","message":"connect ECONNREFUSED 10.0.0.5:5432","stack":"Error: connect ECONNREFUSED\\n    at TCPConnectWrap.afterConnect"},"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736"}',
      want: { message: 'request failed: Error: connect ECONNREFUSED 10.0.0.5:5432', level: 'error', error: 'Error: connect ECONNREFUSED 10.0.0.5:5432', traceId: '4bf92f3577b34da6a3ce929d0e0e4736', raw: false },
      stack: /at TCPConnectWrap/,
    },
    {
      name: 'structlog/zap: message, WARNING, nested trace.id, flat error string',
      line: '{"message":"slow query","severity":"WARNING","trace":{"id":"abc123"},"error":"timeout after 5s","db":"orders"}',
      want: { message: 'slow query: timeout after 5s', level: 'warn', traceId: 'abc123', error: 'timeout after 5s' },
    },
    {
      name: 'flat dotted keys (ECS): log.level, error.message, error.stack_trace',
      line: '{"@timestamp":"2024-01-01T00:00:00Z","log.level":"ERROR","message":"payment declined","error.message":"card expired","error.stack_trace":"java.lang.IllegalStateException: card expired\\n\\tat a.B.c(B.java:1)"}',
      want: { message: 'payment declined: card expired', level: 'error', error: 'card expired' },
      stack: /IllegalStateException/,
    },
    {
      name: 'no message field: the sorted key names stand in',
      line: '{"b":1,"a":"x"}',
      want: { message: '{a b}', level: undefined, fields: { a: 'x', b: '1' } },
    },
  ])('$name', ({ line, want, stack }) => {
    const r = parseJsonLine(line);
    expect(r).toMatchObject(want);
    if (stack) expect(r?.stack).toMatch(stack);
  });

  it.each(['not json', '{"unterminated": ', '[1,2,3]', '"a string"', ''])('returns undefined for %j', (line) => {
    expect(parseJsonLine(line)).toBeUndefined();
  });
});

describe('logfmt', () => {
  it('parses bare, quoted and escaped values and flags', () => {
    expect(parseLogfmt('level=info msg="user \\"bob\\" signed in" user=42 dry_run path=/a=b')).toEqual({
      level: 'info',
      msg: 'user "bob" signed in',
      user: '42',
      dry_run: 'true',
      path: '/a=b',
    });
  });

  it('lifts message, level and error out of a logfmt line', () => {
    expect(parseLogfmtLine('time=2024-01-01T00:00:00Z level=error msg="db down" err="dial tcp: i/o timeout"')).toMatchObject({
      message: 'db down: dial tcp: i/o timeout',
      level: 'error',
      error: 'dial tcp: i/o timeout',
    });
  });

  it.each([
    ['level=info msg="ok"', true],
    ['msg=hello', true],
    ['authentication failure; logname= uid=0 euid=0 tty=NODEVssh', false],
    ['level=info msg="unterminated', false],
    ['plain text line', false],
  ])('looksLikeLogfmt(%j) = %s', (line, want) => {
    expect(looksLikeLogfmt(line)).toBe(want);
  });
});
