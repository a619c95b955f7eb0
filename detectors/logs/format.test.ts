import { describe, expect, it } from 'vitest';
import { compileLogFormat } from './format.js';

describe('compileLogFormat', () => {
  it.each([
    {
      name: 'HDFS: spaces between fields, literal colon before content',
      format: '<Date> <Time> <Pid> <Level> <Component>: <Content>',
      line: '081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating',
      want: { Pid: '148', Level: 'INFO', Component: 'dfs.DataNode$PacketResponder', Content: 'PacketResponder 1 for block blk_38865049064139660 terminating' },
    },
    {
      name: 'optional group present: (\\[<PID>\\])?',
      format: '<Month> <Date> <Time> <Level> <Component>(\\[<PID>\\])?: <Content>',
      line: 'Jun 14 15:16:01 combo sshd(pam_unix)[19939]: check pass; user unknown',
      want: { Component: 'sshd(pam_unix)', PID: '19939', Content: 'check pass; user unknown' },
    },
    {
      name: 'optional group absent, and a space matches a run of whitespace',
      format: '<Month> <Date> <Time> <Level> <Component>(\\[<PID>\\])?: <Content>',
      line: 'Jul  3 10:05:25 combo kernel: Linux version 2.6.5',
      want: { Date: '3', Component: 'kernel', PID: '', Content: 'Linux version 2.6.5' },
    },
    {
      name: 'escaped pipes',
      format: '<Time>\\|<Component>\\|<Pid>\\|<Content>',
      line: '20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579',
      want: { Time: '20171223-22:15:29:606', Component: 'Step_LSC', Pid: '30002312', Content: 'onStandStepChanged 3579' },
    },
    {
      name: 'a field followed by literal text may hold spaces',
      format: '\\[<Time>\\] <Program> - <Content>',
      line: '[10.30 16:49:06] chrome.exe *64 - proxy.cse.cuhk.edu.hk:5070 open through proxy proxy.cse.cuhk.edu.hk:5070 HTTPS',
      want: { Time: '10.30 16:49:06', Program: 'chrome.exe *64', Content: 'proxy.cse.cuhk.edu.hk:5070 open through proxy proxy.cse.cuhk.edu.hk:5070 HTTPS' },
    },
    {
      name: 'content may be empty',
      format: '<Level>: <Content>',
      line: 'INFO: ',
      want: { Level: 'INFO', Content: '' },
    },
  ])('$name', ({ format, line, want }) => {
    const f = compileLogFormat(format);
    expect(f.parse(line)).toMatchObject(want);
    expect(f.field(line)).toBe(want.Content);
  });

  it('returns null for a line that does not match', () => {
    const f = compileLogFormat('<Date> <Time> <Level> <Component>: <Content>');
    expect(f.parse('just some words')).toBeNull();
    expect(f.extract('\tat com.acme.Foo.bar(Foo.java:12)')).toBeNull();
  });

  it('reads the content of a long line past the header window', () => {
    const f = compileLogFormat('<Level>: <Content>');
    const content = `start ${'y'.repeat(5_000)} end`;
    expect(f.extract(`ERROR: ${content}`)).toEqual({ content, level: 'ERROR' });
    expect(f.parse(`ERROR: ${content}`)).toEqual({ Level: 'ERROR', Content: content });
  });

  it('extracts content and level in one match', () => {
    const f = compileLogFormat('<Date> <Time> <Level> <Component>: <Content>');
    expect(f.extract('2024-01-01 10:00:00 WARN db: slow query 120ms')).toEqual({ content: 'slow query 120ms', level: 'WARN' });
  });

  it('does not backtrack catastrophically on a long non-matching line', () => {
    const f = compileLogFormat('<Label> <Timestamp> <Date> <Node> <Time> <NodeRepeat> <Type> <Component> <Level>: <Content>');
    const junk = 'word '.repeat(20_000);
    expect(f.parse(junk)).toBeNull();
    const g = compileLogFormat('<Date> <Time> - <Level>  \\[<Node>:<Component>@<Id>\\] - <Content>');
    const many = 'a:b@c '.repeat(6_000);
    expect(g.parse(many)).toBeNull();
    expect(g.extract(many)).toBeNull();
  });

  it.each([
    ['', /empty/],
    ['no fields here', /names no field/],
    ['<Date> <Time> <Level>', /no <Content> field/],
    ['<Date> (<Time> <Content>', /not a valid pattern/],
  ])('rejects %j with a clear error', (format, err) => {
    expect(() => compileLogFormat(format)).toThrow(err);
  });
});
