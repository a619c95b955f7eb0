/** `warroom policy list|put|delete` against a running API: problems printed as FILE:LINE:COLUMN, exit codes 0 / 1 / 2. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../test-support/analyze-harness.js';
import { runPolicyDelete, runPolicyList, runPolicyPut } from './policy.js';

let api: TestApi;
let dir: string;
beforeAll(async () => {
  api = await startTestApi('pglite');
  dir = mkdtempSync(join(tmpdir(), 'wr-policy-cli-'));
});
afterAll(async () => {
  await api?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const capture = () => {
  const c = { text: '', out: (s: string) => void (c.text += s) };
  return c;
};
const file = (name: string, text: string) => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};

describe('warroom policy', () => {
  it('put stores a file, list shows it after the built-in set, delete removes it', async () => {
    const opts = () => ({ url: api.url, key: api.apiKey });
    const out = capture();
    const f = file('freeze.cedar', '@id("org-freeze")\n@reason("freeze")\nforbid(principal, action, resource) when { context.month_day >= 1215 };\n');
    expect(await runPolicyPut('freeze', f, { ...opts(), out: out.out })).toBe(0);
    expect(out.text).toMatch(/^Stored policy set freeze \(org-freeze\); sha256 [0-9a-f]{64}\. The next preflight uses it\.\n$/);
    const list = capture();
    expect(await runPolicyList({ ...opts(), out: list.out })).toBe(0);
    expect(list.text).toMatch(/^default {2}\(built-in, read-only\)\n {2}permit-nonprod, permit-prod-sre, /);
    expect(list.text).toMatch(/\nfreeze {2}\(org, user:admin at [^)]+\)\n {2}org-freeze\n$/);
    const del = capture();
    expect(await runPolicyDelete('freeze', { ...opts(), out: del.out })).toBe(0);
    expect(del.text).toBe('Deleted policy set freeze.\n');
    const gone = capture();
    expect(await runPolicyDelete('freeze', { ...opts(), err: gone.out })).toBe(1);
    expect(gone.text).toMatch(/^warroom: policy delete failed \(404\): The org has no policy set "freeze"\./);
  });

  it('put prints each problem as FILE:LINE:COLUMN and exits 2; reads standard input for -', async () => {
    const f = file('bad.cedar', '@id("t")\nforbid(principal, action, resource)\nunless { context.ticket == "CHG-1" };\n');
    const err = capture();
    expect(await runPolicyPut('bad', f, { url: api.url, key: api.apiKey, err: err.out })).toBe(2);
    expect(err.text).toBe(`warroom: ${f} does not validate against the policy schema:\n${f}:3:10: for policy "t", attribute \`ticket\` in context not found (did you mean \`risk\`?)\n`);
    const stdinErr = capture();
    expect(await runPolicyPut('bad', '-', { url: api.url, key: api.apiKey, err: stdinErr.out, stdin: () => 'permit(principal, action' })).toBe(2);
    expect(stdinErr.text).toMatch(/^warroom: - does not validate against the policy schema:\n-:1:25: unexpected end of input/);
  });

  it('says what is missing: a key, a readable file, a reachable instance', async () => {
    const e1 = capture();
    expect(await runPolicyPut('x', join(dir, 'nope.cedar'), { url: api.url, key: api.apiKey, err: e1.out })).toBe(2);
    expect(e1.text).toMatch(/^warroom: cannot read .*nope\.cedar/);
    const e2 = capture();
    expect(await runPolicyList({ url: 'http://127.0.0.1:1', key: 'k'.repeat(24), err: e2.out })).toBe(1);
    expect(e2.text).toMatch(/cannot reach Warroom at http:\/\/127\.0\.0\.1:1/);
  });
});
