import { describe, expect, it } from 'vitest';
import { LineClusterer, loghubTemplate } from './pipeline.js';
import { LogTemplateMiner } from './miner.js';
import { TRUNCATION_MARK } from './parse.js';

const HDFS = '<Date> <Time> <Pid> <Level> <Component>: <Content>';

describe('LineClusterer', () => {
  it('clusters only <Content> when a format is given', () => {
    const lc = new LineClusterer({ format: HDFS });
    const a = lc.push('081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating');
    const b = lc.push('081110 101010 9 WARN other.Component: PacketResponder 2 for block blk_-1 terminating');
    expect(b).toBe(a);
    expect(lc.templateText(a)).toBe('PacketResponder <*> for block blk_<*> terminating');
  });

  it('clusters a line that does not match the format whole, apart from parsed ones, never dropping it', () => {
    const lc = new LineClusterer({ format: HDFS });
    const parsed = lc.push('081109 203615 148 INFO dfs.X: disk full');
    const raw = lc.push('disk full');
    expect(raw).not.toBe(parsed);
    expect(lc.clusterer.get(raw)).toMatchObject({ raw: true, count: 1 });
    expect(lc.push('disk full')).toBe(raw);
  });

  it('gives stack-trace lines the cluster of the record they continue', () => {
    const lc = new LineClusterer({ format: '<Date> <Time> <Level> <Component>: <Content>' });
    const head = lc.push('2024-01-01 10:00:00 ERROR orders: charge failed for order 7');
    expect(lc.push('java.lang.IllegalStateException: card expired')).toBe(head);
    expect(lc.push('\tat com.acme.Payments.charge(Payments.java:42)')).toBe(head);
    expect(lc.push('\t... 3 more')).toBe(head);
    expect(lc.push('2024-01-01 10:00:01 INFO orders: retrying')).not.toBe(head);
    expect(lc.clusterer.size).toBe(2);
  });

  it('reads JSON and logfmt lines by their message in auto mode', () => {
    const lc = new LineClusterer();
    const a = lc.push('{"level":"info","msg":"user 1 signed in","trace_id":"x"}');
    const b = lc.push('level=info msg="user 2 signed in" trace_id=y');
    const c = lc.push('user 3 signed in');
    expect(new Set([a, b, c]).size).toBe(1);
    expect(lc.push('{"broken json": ')).not.toBe(a);
  });

  it.each([
    ['an empty line', ''],
    ['a blank line', ' \t '],
    ['binary junk', '\u0000\u0001\u00ff\ufffd\ufffd\u0007garbage\u001b[31m'],
    ['a lone surrogate', 'half \ud83d pair'],
  ])('accepts %s', (_name, line) => {
    const lc = new LineClusterer({ format: HDFS });
    const id = lc.push(line);
    expect(id).toBeGreaterThan(0);
    expect(typeof lc.templateText(id)).toBe('string');
  });

  it('truncates a 1 MB line with a mark', () => {
    const lc = new LineClusterer({ maxLineLength: 4096 });
    const id = lc.push(`start ${'x'.repeat(1 << 20)} end`);
    const t = lc.clusterer.get(id)!;
    expect(t.tokens.at(-1)).toBe(TRUNCATION_MARK);
    expect(t.exemplars[0].length).toBeLessThan(5000);
    expect(lc.templateText(id).endsWith('<*>')).toBe(true);
  });
});

describe('loghubTemplate', () => {
  it('writes every mask and wildcard as <*>', () => {
    expect(loghubTemplate(['from', '<:IP:>', 'rhost=<*>', 'blk_<:NUM:>'])).toBe('from <*> rhost=<*> blk_<*>');
  });
});

describe('LogTemplateMiner', () => {
  it('masks secrets out of the message, the stack and the exemplar, and reports the template', () => {
    const m = new LogTemplateMiner();
    const r = m.add(
      { message: 'login failed password=hunter2 for 10.0.0.1', stack: 'Error: x\n  at token=abcdefghijkl', fields: { api_key: 'zzz', note: 'Bearer abcdefghijklmnop' }, raw: false, truncated: false, level: 'error' },
      { ts: 1 },
    );
    expect(r.change).toBe('created');
    expect(r.template).toBe('login failed password=<:SECRET:> for <:IP:>');
    const all = JSON.stringify(m.toJSON()) + JSON.stringify(r.record);
    expect(all).not.toContain('hunter2');
    expect(all).not.toContain('abcdefghijkl');
    expect(all).not.toContain('zzz');
    expect(r.record.message).toBe('login failed password=<:SECRET:> for 10.0.0.1');
  });

  it('restores from a snapshot and matches without learning', () => {
    const m = new LogTemplateMiner();
    const id = m.add('{"msg":"payment 1 declined","level":"warn"}', { ts: 1 }).clusterId;
    const back = LogTemplateMiner.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
    expect(back.match('payment 2 declined')?.id).toBe(id);
    expect(back.get(id)?.levels).toEqual({ warn: 1 });
    expect(back.add('payment 3 declined', { ts: 2 }).change).toBe('none');
  });
});
