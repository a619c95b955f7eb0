import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { csvField, runLogsCluster } from './logs.js';

const HDFS = '<Date> <Time> <Pid> <Level> <Component>: <Content>';

async function run(input: (string | Buffer)[], format?: string): Promise<{ code: number; csv: string }> {
  const parts: string[] = [];
  async function* gen() {
    for (const c of input) yield c;
  }
  const code = await runLogsCluster('-', { format, input: gen(), out: { write: (s: string) => parts.push(s) } });
  return { code, csv: parts.join('') };
}

const rows = (csv: string) => csv.trimEnd().split('\n');

/** What `fn` wrote to stderr. */
async function stderrOf(fn: () => Promise<unknown>): Promise<string> {
  let err = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    err += String(s);
    return true;
  });
  try {
    await fn();
  } finally {
    spy.mockRestore();
  }
  return err;
}

describe('runLogsCluster', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'logs-cli-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('prints LineId,ClusterId,Template with one row per line, in order, 1-based', async () => {
    const { code, csv } = await run(['081109 203615 148 INFO a.B: PacketResponder 1 for block blk_1 terminating\n', '081109 203615 149 INFO a.B: Verification succeeded for blk_2\n', '081109 203615 150 INFO a.B: PacketResponder 0 for block blk_3 terminating\n'], HDFS);
    expect(code).toBe(0);
    const r = rows(csv);
    expect(r[0]).toBe('LineId,ClusterId,Template');
    expect(r.slice(1).map((x) => x.split(',')[0])).toEqual(['1', '2', '3']);
    expect(r[1].split(',')[1]).toBe(r[3].split(',')[1]);
    expect(r[1]).toMatch(/,PacketResponder <\*> for block blk_<\*> terminating$/);
  });

  it('accepts CRLF endings and a missing final newline', async () => {
    const { csv } = await run(['one 1\r\ntwo 2\r\none 3'], 'text');
    const r = rows(csv);
    expect(r).toHaveLength(4);
    expect(r[3].split(',')[1]).toBe(r[1].split(',')[1]);
    expect(csv).not.toContain('\r');
  });

  it('keeps lines split across chunks, including a multi-byte character cut in half', async () => {
    const bytes = Buffer.from('naïve café 1\nnaïve café 2\n', 'utf8');
    const cut = bytes.indexOf(0xc3) + 1;
    const { csv } = await run([bytes.subarray(0, cut), bytes.subarray(cut, 20), bytes.subarray(20)], 'text');
    expect(rows(csv).slice(1)).toEqual(['1,1,naïve café <*>', '2,1,naïve café <*>']);
  });

  it('writes empty lines and blank input as rows, never dropping one', async () => {
    const { csv } = await run(['\n\nx\n'], 'text');
    expect(rows(csv)).toHaveLength(4);
    expect((await run([''])).csv).toBe('LineId,ClusterId,Template\n');
  });

  it('quotes templates that hold commas or quotes', async () => {
    const { csv } = await run(['size = 4,app = 1 said "hi"\n'], 'text');
    expect(rows(csv)[1]).toBe('1,1,"size = <*>,app = <*> said ""hi"""');
  });

  it('reads a file and clusters lines that do not match the format whole', async () => {
    const file = path.join(tmp, 'x.log');
    writeFileSync(file, '081109 203615 148 INFO a.B: ok 1\r\nnot matching the format\r\n');
    const parts: string[] = [];
    expect(await runLogsCluster(file, { format: HDFS, out: { write: (s: string) => parts.push(s) } })).toBe(0);
    expect(rows(parts.join(''))).toEqual(['LineId,ClusterId,Template', '1,1,ok <*>', '2,2,not matching the format']);
  });

  it('exits 2 with a message for a missing file or a bad format', async () => {
    const out = { write: () => true };
    expect(await runLogsCluster(path.join(tmp, 'missing.log'), { out })).toBe(2);
    expect(await runLogsCluster('-', { format: '<Date> <Time>', out, input: (async function* () {})() })).toBe(2);
  });

  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "x"', '"say ""x"""'],
  ])('csvField(%j) = %j', (s, want) => {
    expect(csvField(s)).toBe(want);
  });

  it('warns when most lines do not match the format, naming the first one; stays quiet when they match', async () => {
    const lines = ['2026-03-01 10:00:00 INFO [db.pool] connection opened\n', '2026-03-01 10:00:01 WARN [db.pool] connection slow\n', '2026-03-01 10:00:02 INFO [api] request served\n'];
    // Brackets unescaped: "[<Component>]" is a character class, so no line matches.
    const wrong = await stderrOf(() => run(lines, '<Date> <Time> <Level> [<Component>] <Content>'));
    expect(wrong).toContain("warroom logs cluster: 3 of the first 3 lines do not match --format '<Date> <Time> <Level> [<Component>] <Content>' and are clustered whole; first at line 1: 2026-03-01 10:00:00 INFO [db.pool] connection opened\n");
    expect(wrong).toContain('escape brackets');
    expect(await stderrOf(() => run(lines, '<Date> <Time> <Level> \\[<Component>\\] <Content>'))).toBe('');
    // A stack trace under one record is a minority of lines: no warning.
    expect(await stderrOf(() => run([lines[0], '  at a.b(C.java:1)\n', lines[1], lines[2]], '<Date> <Time> <Level> \\[<Component>\\] <Content>'))).toBe('');
  });
});
