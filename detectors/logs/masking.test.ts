import { describe, expect, it } from 'vitest';
import { DEFAULT_VARIABLE_RULES, createMasker, parseVariableRules } from './masking.js';

const m = createMasker();

describe('variable masking (default rules)', () => {
  it.each([
    ['IPv4 with port', 'connect to 10.251.43.21:50010 failed', 'connect to <:IP:> failed'],
    ['IPv6', 'peer fe80::1ff:fe23:4567:890a left', 'peer <:IP:> left'],
    ['UUID', 'order 123e4567-e89b-12d3-a456-426614174000 placed', 'order <:UUID:> placed'],
    ['hex id with 0x', 'fault at 0x0023f108 in kernel', 'fault at <:HEX:> in kernel'],
    ['bare hex id', 'iar 003a90fc dear 00b360e8', 'iar <:HEX:> dear <:HEX:>'],
    ['a bound flush against a number', 'took <1 sec, kept >=100 items', 'took <:NUM:> sec, kept <:NUM:> items'],
    ['an Erlang pid is not a bound', 'pid <0.42.0> exited', 'pid <<:NUM:>> exited'],
    ['numbers, signed and dotted', 'PacketResponder 1 for block blk_-6952295868487656571 took 3.25', 'PacketResponder <:NUM:> for block blk_<:NUM:> took <:NUM:>'],
    ['digits inside a word', 'Lustre mount FAILED : bglio559', 'Lustre mount FAILED : bglio<:NUM:>'],
    ['durations', 'done in 250ms, retry in 1h2m3s', 'done in <:DURATION:>, retry in <:DURATION:>'],
    ['unix path', "creating device node '/udev/vcs2'", "creating device node '<:PATH:>'"],
    ['path with empty segments', 'chdir(/bgl/apps//run/x) failed', 'chdir(<:PATH:>) failed'],
    ['windows path', 'loaded C:\\Windows\\System32\\x.dll', 'loaded <:PATH:>'],
    ['URL', 'GET https://api.example.com/v1/items?id=7 ok', 'GET <:URL:> ok'],
    ['email', 'mail to bob.smith+ops@example.co.uk sent', 'mail to <:EMAIL:> sent'],
    ['Kubernetes pod (deployment)', 'pod checkout-7d9f8c6b5-x2x7q restarted', 'pod <:POD:> restarted'],
    ['Kubernetes pod (daemonset)', 'pod kube-proxy-x2k8d ready', 'pod <:POD:> ready'],
    ['host name with a known TLD', 'rhost=adsl-70-242-75-179.dsl.ksc2mo.swbell.net', 'rhost=<:HOST:>'],
    ['host name with a port', 'bit.ly:443 open through proxy', '<:HOST:>:<:NUM:> open through proxy'],
    ['MAC address', 'link 00:1A:2b:3C:4d:5E up', 'link <:MAC:> up'],
    ['ISO timestamp', 'since 2024-01-02T03:04:05.123Z', 'since <:TS:>'],
    ['ctime date spanning tokens', 'connection at Fri Jun 17 07:07:00 2005 ok', 'connection at <:TS:> ok'],
    ['clock time', 'at 07:07:00 sharp', 'at <:TIME:> sharp'],
    ['a source file and line is not host:port', 'thrown at Payments.java:42', 'thrown at Payments.java:<:NUM:>'],
  ])('%s', (_name, input, want) => {
    expect(m.mask(input)).toBe(want);
  });

  it.each([
    ['Java packages and intents stay words', 'onReceive action: android.intent.action.SCREEN_ON com.huawei.health'],
    ['words with a TLD-like ending inside stay', 'rpc.statd startup succeeded'],
    ['component names', 'dfs.DataNode$PacketResponder ok'],
    ['version-less words', 'deadbeef cafe face'],
    ['already masked text is left alone', 'user <:NUM:> at <:IP:>'],
  ])('%s', (_name, input) => {
    expect(m.mask(input)).toBe(input);
  });
});

describe('secret masking runs first', () => {
  it.each([
    ['password in key=value', 'login password=hunter2secret user=bob', 'hunter2secret'],
    ['bearer token', 'Authorization: Bearer abcdef123456789xyz', 'abcdef123456789xyz'],
    ['API key', 'calling with sk-proj-abcdefghijklmnop1234', 'abcdefghijklmnop1234'],
    ['AWS access key', 'aws AKIAIOSFODNN7EXAMPLE used', 'AKIAIOSFODNN7EXAMPLE'],
    ['URL credentials', 'db postgres://app:s3cr3tpass@db:5432/x', 's3cr3tpass'],
    ['JWT', 'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlMTIz seen', 'eyJhbGciOiJIUzI1NiJ9'],
  ])('%s never reaches tokens or masked text', (_name, input, secret) => {
    expect(m.mask(input)).not.toContain(secret);
    expect(m.tokens(input).join(' ')).not.toContain(secret);
    // No fragment of a secret survives either (variable masking must not split it first).
    expect(m.tokens(input).join(' ')).not.toContain(secret.slice(0, 6));
  });
});

describe('tokens', () => {
  it('splits on whitespace runs, tabs and control characters', () => {
    expect(m.tokens('  a\tb \u0000 c\r\n')).toEqual(['a', 'b', 'c']);
  });

  it('collapses a run of the same masked token, and of bare masks', () => {
    expect(m.tokens('delete blk_1 blk_2 blk_3 now')).toEqual(['delete', 'blk_<:NUM:>', 'now']);
    expect(m.tokens('softheader=0064588e 8aff0003 00000002 00000000)')).toEqual(['softheader=<:HEX:>', '<:HEX:>', '<:NUM:>)']);
    expect(createMasker({ collapseRepeats: false }).tokens('a 1 2 3')).toEqual(['a', '<:NUM:>', '<:NUM:>', '<:NUM:>']);
  });

  it('counts an identifier glued to a number (`pum12`) in a run of values, as it counts a number', () => {
    expect(m.tokens('hul pum5 246 na')).toEqual(['hul', 'pum<:NUM:>', 'na']);
    expect(m.tokens('hul 2 366 na')).toEqual(['hul', '<:NUM:>', 'na']);
    expect(m.tokens('ted kil332169 hu545 bise')).toEqual(['ted', 'kil<:NUM:>', 'bise']);
    // Separated prefixes and plain words are not identifiers of this kind.
    expect(m.tokens('x blk_1 7 y')).toEqual(['x', 'blk_<:NUM:>', '<:NUM:>', 'y']);
    expect(m.tokens('port 80 open')).toEqual(['port', '<:NUM:>', 'open']);
    expect(createMasker({ collapseGluedIds: false }).tokens('hul pum5 246 na')).toEqual(['hul', 'pum<:NUM:>', '<:NUM:>', 'na']);
  });

  it('counts a lone dash (an absent value) in a run of values: filled and empty contexts are one shape', () => {
    const filled = m.tokens('[req-1f0e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b 0a1b2c3d4e5f60718293a4b5c6d7e8f9 9f8e7d6c5b4a39281706f5e4d3c2b1a0 - - -] ok');
    const empty = m.tokens('[req-1f0e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b - - - - -] ok');
    expect(filled).toEqual(['[req-<:UUID:>', '<:HEX:>', '-]', 'ok']);
    expect(empty).toEqual(['[req-<:UUID:>', '-', '-]', 'ok']);
    // A dash among words is left alone.
    expect(m.tokens('panic - stopping execution')).toEqual(['panic', '-', 'stopping', 'execution']);
  });

  it('joins a double-quoted span of several words into one token, masks kept', () => {
    expect(m.tokens('reason "connection reset by peer" code 7')).toEqual(['reason', '"connection reset by peer"', 'code', '<:NUM:>']);
    expect(m.tokens('agent "curl 8.5 (linux)" done')).toEqual(['agent', '"curl <:NUM:> (linux)"', 'done']);
    expect(m.tokens('name "solo" and "" end')).toEqual(['name', '"solo"', 'and', '""', 'end']);
    expect(createMasker({ joinQuoted: false }).tokens('a "b c" d')).toEqual(['a', '"b', 'c"', 'd']);
  });

  it('joins a quoted value of several words after a key (reason="a b c") into one token', () => {
    expect(m.tokens('exit reason="connection reset by peer" code=7')).toEqual(['exit', 'reason="connection reset by peer"', 'code=<:NUM:>']);
    expect(m.tokens('a k="solo" b')).toEqual(['a', 'k="solo"', 'b']);
    // A quote inside a word that is not a key's value opens nothing.
    expect(m.tokens('say it"s fine" now')).toEqual(['say', 'it"s', 'fine"', 'now']);
  });

  it('joins a comma-separated run into one token, the item after the last comma included', () => {
    expect(m.tokens('peers a, b, c up')).toEqual(['peers', 'a, b, c', 'up']);
    expect(m.tokens('peers a up')).toEqual(['peers', 'a', 'up']);
    expect(m.tokens('took 5, 6 and ,')).toEqual(['took', '<:NUM:>, <:NUM:>', 'and', ',']);
    expect(m.tokens('ends with a,')).toEqual(['ends', 'with', 'a,']);
    expect(createMasker({ joinLists: false }).tokens('x a, b')).toEqual(['x', 'a,', 'b']);
  });

  it.each([
    ['an unclosed quote', 'say "hello there and goodbye', ['say', '"hello', 'there', 'and', 'goodbye']],
    ['a quote inside the span before its end', 'a "b x"y c" d', ['a', '"b', 'x"y', 'c"', 'd']],
    ['a span longer than the bound', `q "${'w '.repeat(40)}end" z`, ['q', '"w', ...Array(39).fill('w'), 'end"', 'z']],
  ])('leaves tokens apart on %s', (_name, text, want) => {
    expect(m.tokens(text)).toEqual(want);
  });

  it('returns no tokens for an empty or blank line', () => {
    expect(m.tokens('')).toEqual([]);
    expect(m.tokens('   \t ')).toEqual([]);
  });
});

describe('rules as data', () => {
  it('accepts custom ordered rules: the first matching rule wins', () => {
    const custom = createMasker({
      variableRules: [
        { name: 'order-id', pattern: 'ORD-\\d+', replacement: '<:ORDER:>', requires: '-0' },
        ...DEFAULT_VARIABLE_RULES,
      ],
    });
    expect(custom.mask('order ORD-123 shipped to 10.0.0.1')).toBe('order <:ORDER:> shipped to <:IP:>');
  });

  it('a rule whose prefilter is not met is not tried', () => {
    const custom = createMasker({ variableRules: [{ name: 'x', pattern: 'a', replacement: '<:A:>', requires: '@' }] });
    expect(custom.mask('banana b@nana')).toBe('banana b@n<:A:>n<:A:>');
  });

  it.each([
    [{ name: 'bad', pattern: '(', replacement: 'x' }, /variable rule 0|bad pattern/],
    [{ name: 'noscope', pattern: 'a', replacement: 'x', scope: 'line' }, /variable rule 0 \(noscope\): scope/],
    [{ pattern: 'a', replacement: 'x' }, /variable rule 0: name/],
    [{ name: 'short', pattern: 'a', replacement: 'x', minLength: 0 }, /minLength/],
  ])('rejects a bad rule naming it: %j', (rule, err) => {
    expect(() => createMasker({ variableRules: [rule] })).toThrow(err);
  });

  it('validates the default rules', () => {
    expect(parseVariableRules(DEFAULT_VARIABLE_RULES)).toHaveLength(DEFAULT_VARIABLE_RULES.length);
  });

  it('is idempotent: masking masked text changes nothing', () => {
    const once = m.mask('GET https://x.io/a 200 in 12ms from 10.0.0.1 password=abc user=42');
    expect(m.mask(once)).toBe(once);
  });
});
