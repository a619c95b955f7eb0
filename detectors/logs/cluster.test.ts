import { describe, expect, it } from 'vitest';
import { TemplateClusterer, WILDCARD } from './cluster.js';
import { createMasker } from './masking.js';
import { LshIndex, MinHasher } from './minhash.js';
import { levelMix } from './stats.js';

const masker = createMasker();
const toks = (s: string) => masker.tokens(s);
const learn = (c: TemplateClusterer, s: string, meta = {}) => c.add(toks(s), meta);

describe('TemplateClusterer.add', () => {
  it('reports created, then none for the same shape, then changed when a template generalises', () => {
    const c = new TemplateClusterer();
    const a = learn(c, 'user 17 logged in from 10.0.0.1');
    expect(a.change).toBe('created');
    expect(learn(c, 'user 42 logged in from 10.9.8.7')).toEqual({ clusterId: a.clusterId, change: 'none' });
    const b = learn(c, 'user 42 logged in from db1.example.com');
    expect(b).toMatchObject({ clusterId: a.clusterId, change: 'changed' });
    expect(c.template(a.clusterId)).toBe(`user <:NUM:> logged in from ${WILDCARD}`);
    expect(learn(c, 'user 5 logged in from cache.example.org').change).toBe('none');
    expect(c.get(a.clusterId)?.count).toBe(4);
  });

  it('keeps a key=value skeleton when only the value kind differs', () => {
    const c = new TemplateClusterer();
    const a = learn(c, 'auth failure rhost=218.188.2.4');
    learn(c, 'auth failure rhost=n219076184117.netvigator.com');
    expect(c.template(a.clusterId)).toBe('auth failure rhost=<*>');
  });

  it.each([
    ['words that name different events', ['cupsd startup succeeded', 'cupsd shutdown succeeded']],
    ['a constant next to a variable', ['data store interrupt caused by dcbf.........0', 'data store interrupt caused by icbi.........0']],
    ['different lengths', ['Connection reset by peer', 'Connection timed out']],
    ['an empty value against a filled one where the rest differs too', ['failure tty=:0 rhost=', 'failure tty=NODEVssh rhost=10.0.0.1']],
  ])('keeps apart %s', (_name, lines) => {
    const c = new TemplateClusterer();
    const ids = lines.map((l) => learn(c, l).clusterId);
    expect(new Set(ids).size).toBe(lines.length);
  });

  it('reads letters written flush against a number as the front of one identifier (user123 beside admin7)', () => {
    const c = new TemplateClusterer();
    const a = learn(c, 'job user123 finished on node4');
    expect(learn(c, 'job admin7 finished on node4')).toMatchObject({ clusterId: a.clusterId, change: 'changed' });
    expect(c.template(a.clusterId)).toBe(`job ${WILDCARD} finished on node<:NUM:>`);
    expect(learn(c, 'job guest42 finished on node4')).toEqual({ clusterId: a.clusterId, change: 'none' });
  });

  it('reads letters and numbers alternating with no separator as one identifier (sdc1 beside nvme0n1p2)', () => {
    const c = new TemplateClusterer();
    const a = learn(c, 'I/O error on (sdc1): retrying');
    expect(learn(c, 'I/O error on (nvme0n1p2): retrying').clusterId).toBe(a.clusterId);
    expect(learn(c, 'I/O error on (sda3): retrying').clusterId).toBe(a.clusterId);
  });

  it('keeps a separated prefix a constant (blk_ beside job_, dcbf.... beside icbi....)', () => {
    const c = new TemplateClusterer();
    expect(learn(c, 'deleted blk_123 now').clusterId).not.toBe(learn(c, 'deleted job_123 now').clusterId);
  });

  it.each([
    ['the line carries the aside', ['close, 403 bytes sent, 426 bytes received', 'close, 1190 bytes (1.16 KB) sent, 426 bytes received']],
    ['the template carries the aside', ['close, 1190 bytes (1.16 KB) sent, 426 bytes received', 'close, 403 bytes sent, 426 bytes received']],
    ['at the end', ['Probing PCI hardware', 'Probing PCI hardware (bus 00)']],
    ['in square brackets', ['flush done [id=42]', 'flush done']],
  ])('groups a statement with and without a bracketed aside holding a value: %s', (_name, lines) => {
    const c = new TemplateClusterer();
    const [a, b] = lines.map((l) => learn(c, l).clusterId);
    expect(b).toBe(a);
    // Reading agrees with learning, and a snapshot keeps it.
    expect(c.match(toks(lines[1]))?.id).toBe(a);
    expect(TemplateClusterer.fromJSON(JSON.parse(JSON.stringify(c.toJSON()))).match(toks(lines[1]))?.id).toBe(a);
  });

  it.each([
    ['an appended clause (another event in the public labels)', ['3 errors detected and corrected', '3 errors detected and corrected over 20 seconds']],
    ['an aside without a value', ['request failed', 'request failed (retrying)']],
    ['an aside where the rest differs too', ['flush started', 'flush done (12 KB)']],
  ])('keeps apart %s', (_name, lines) => {
    const c = new TemplateClusterer();
    const ids = lines.map((l) => learn(c, l).clusterId);
    expect(new Set(ids).size).toBe(lines.length);
  });

  it('turns a slot into a variable after enough distinct words, folding siblings into the oldest id', () => {
    const c = new TemplateClusterer({ siblingValues: 3 });
    const a = learn(c, 'session closed for user alice');
    const b = learn(c, 'session closed for user bob');
    expect(b.change).toBe('created');
    const m = learn(c, 'session closed for user carol');
    expect(m).toMatchObject({ clusterId: a.clusterId, change: 'changed', merged: [b.clusterId] });
    expect(c.resolve(b.clusterId)).toBe(a.clusterId);
    expect(c.get(b.clusterId)?.id).toBe(a.clusterId);
    expect(c.template(a.clusterId)).toBe('session closed for user <*>');
    expect(c.get(a.clusterId)?.count).toBe(3);
    expect(learn(c, 'session closed for user dave')).toEqual({ clusterId: a.clusterId, change: 'none' });
  });

  it('turns two slots into variables together when each takes enough distinct words (user and host in one message)', () => {
    const c = new TemplateClusterer({ siblingValues: 3 });
    const a = learn(c, 'totals for cart shipping dhl country DE');
    learn(c, 'totals for cart shipping ups country FR');
    const m = learn(c, 'totals for cart shipping dpd country GB');
    expect(m.clusterId).toBe(a.clusterId);
    expect(c.template(a.clusterId)).toBe(`totals for cart shipping ${WILDCARD} country ${WILDCARD}`);
    expect(learn(c, 'totals for cart shipping fedex country PL').clusterId).toBe(a.clusterId);
  });

  it('turns up to four slots into variables together, asking one value more per slot past the second', () => {
    const c = new TemplateClusterer({ siblingValues: 3 });
    const rows = [
      ['ann', 'zeus', '[main]', 'busy'],
      ['bob', 'hera', '[io-2]', 'late'],
      ['cat', 'ares', '[gc]', 'gone'],
      ['dan', 'nyx', '[rx-7]', 'full'],
      ['eve', 'eos', '[db]', 'slow'],
    ];
    const ids = rows.map(([u, h, t, r]) => learn(c, `user ${u} on ${h} thread ${t} failed ${r} now`).clusterId);
    // Four slots ask for 3 + 2 values each: four lines are not enough, the fifth is.
    expect(new Set(ids.slice(0, 4)).size).toBe(4);
    expect(new Set(ids.map((id) => c.resolve(id))).size).toBe(1);
    expect(c.template(ids[0])).toBe(`user ${WILDCARD} on ${WILDCARD} thread ${WILDCARD} failed ${WILDCARD} now`);
  });

  it('keeps apart three lines that differ in a phrase of three words (three error messages)', () => {
    const c = new TemplateClusterer();
    const ids = ['No child processes', 'Bad file descriptor', 'Block device required'].map((r) => learn(c, `ciod: Error creating node map from file x.map: ${r}`).clusterId);
    expect(new Set(ids.map((id) => c.resolve(id))).size).toBe(3);
  });

  it('keeps two slots apart when one of them shows only two words (start / stop)', () => {
    const c = new TemplateClusterer({ siblingValues: 3 });
    const ids = ['job alpha started on zeus', 'job beta stopped on hera', 'job gamma started on apollo'].map((l) => learn(c, l).clusterId);
    expect(new Set(ids).size).toBe(3);
  });

  it('does not turn a slot into a variable when one word dominates it (a constant with rare alternatives)', () => {
    const c = new TemplateClusterer({ siblingValues: 3, siblingDominance: 0.8 });
    for (let i = 0; i < 40; i++) learn(c, `auth failure user=root`);
    learn(c, 'auth failure user=guest');
    const t = learn(c, 'auth failure user=test');
    expect(t.change).toBe('created');
    expect(c.size).toBe(3);
  });

  it('folds a template learned before its slot was known to vary into the one that now covers it', () => {
    const c = new TemplateClusterer();
    const early = learn(c, 'job li=ceca done x7').clusterId;
    const family = learn(c, 'job li=tom done 12').clusterId;
    learn(c, 'job li=ann done 5');
    expect(c.resolve(early)).toBe(early);
    // The family's slot widens; the early template differs from it only softly (x<:NUM:> /
    // <:NUM:>), as a line step 2 would take: it folds at once and that slot widens too.
    const widened = learn(c, 'job li=bob done 9');
    expect(widened).toMatchObject({ clusterId: family, change: 'changed', merged: expect.arrayContaining([early]) });
    expect(c.template(family)).toBe('job li=<*> done <*>');
    expect(c.resolve(early)).toBe(family);
    // Lines keyed to the early template before now reach the family.
    expect(learn(c, 'job li=ceca done x8').clusterId).toBe(family);
    expect(c.size).toBe(1);
  });

  it('folds the same statement learned apart with a bracketed aside once the rest of it widens', () => {
    const c = new TemplateClusterer();
    const plain = learn(c, 'scan disk alpha done').clusterId;
    const aside = learn(c, 'scan disk beta done (12 KB)').clusterId;
    expect(aside).not.toBe(plain);
    const third = learn(c, 'scan disk gamma done').clusterId;
    const r = learn(c, 'scan disk delta done');
    expect(r.clusterId).toBe(plain);
    expect(r.merged).toEqual(expect.arrayContaining([third, aside]));
    expect(learn(c, 'scan disk beta done (9 KB)').clusterId).toBe(plain);
    expect(c.size).toBe(1);
  });

  it('groups a statement whose aside stands between two values (without it they are one run of values)', () => {
    const c = new TemplateClusterer();
    const a = learn(c, 'teda ha va66 952d4eecd70c50d3 teragi suhod').clusterId;
    expect(learn(c, 'teda ha lecic183633 [peletu=234094] 5f239d807a59988d teragi suhod').clusterId).toBe(a);
    // The other way round: the template holds the aside.
    const d = new TemplateClusterer();
    const b = learn(d, 'nag 88832 [rivuni=1047] su44654 ok').clusterId;
    expect(learn(d, 'nag 13 ki54748 ok').clusterId).toBe(b);
    // Two paths in a row are one run of the same mask; with an aside between, they are not.
    const e = new TemplateClusterer();
    const p = learn(e, 'bi /tamo/moda/ve.tmp /padu/hidu/vino.dat').clusterId;
    expect(learn(e, 'bi /tamo/sigolo/bohute.dat [peru=209968] /padu/topun/dime.dat').clusterId).toBe(p);
  });

  it('does not merge a family that would leave no constant in common', () => {
    const c = new TemplateClusterer();
    for (const w of ['puzul', 'nimapx']) for (const head of ['[a] nati x1', '[a] nati 7', '[b] nati 5', '[c] nati 6']) learn(c, `${head} ${w} maza=3`);
    expect(c.list().map((t) => t.tokens.join(' '))).toEqual([`${WILDCARD} nati ${WILDCARD} puzul maza=<:NUM:>`, `${WILDCARD} nati ${WILDCARD} nimapx maza=<:NUM:>`]);
    learn(c, 'leraku 0xab bodopa fuhi p1');
    learn(c, 'leraku 12 bodopa fuhi 7');
    // Slot 3 shows three words, but the merged template would be wildcards only.
    expect(c.size).toBe(3);
    expect(c.list().every((t) => t.tokens.some((x) => !x.includes('<')))).toBe(true);
    expect(learn(c, 'some other words entirely here').change).toBe('created');
  });

  it('judges a bracketed tag (a thread name) by its values, first on the line too', () => {
    const c = new TemplateClusterer();
    const first = ['[main]', '[worker-3]', '[pool-2-thread-7]', '[io-11]'].map((t) => learn(c, `${t} flushed segment ok`).clusterId);
    expect(new Set(first.map((id) => c.resolve(id))).size).toBe(1);
    const inner = ['[main]', '[worker-3]', '[pool-2-thread-7]', '[io-11]'].map((t) => learn(c, `cache ${t} evicted entries`).clusterId);
    expect(new Set(inner.map((id) => c.resolve(id))).size).toBe(1);
  });

  it('finds what a template headed by a wildcard covers, whatever the first token: the fold takes it, later lines reach it', () => {
    const c = new TemplateClusterer();
    // Learned apart first: each under its own tag, with words where the later template widens.
    const tags = ['gc', 'ui', 'db', 'rx', 'tx', 'fs', 'vm', 'os', 'ab', 'cd', 'ef', 'gh', 'ij', 'kl', 'mn', 'op'];
    const before = tags.map((t) => learn(c, `[${t}] flushed ${t}a ${t}b ${t}c ${t}d x@y.com`).clusterId);
    // A tag becomes a slot (`<*> flushed …`), then four positions widen one by one.
    const into = learn(c, '[alpha] flushed 10.0.0.1 /var/a 0xdeadbeef 12ms a@b.com').clusterId;
    for (const l of ['[beta] flushed 10.0.0.1 /var/a 0xdeadbeef 12ms a@b.com', '[gamma] flushed 10.0.0.1 /var/a 0xdeadbeef 12ms a@b.com',
      '[delta] flushed ka /var/a 0xdeadbeef 12ms a@b.com', '[delta] flushed ka kb 0xdeadbeef 12ms a@b.com', '[delta] flushed ka kb kc 12ms a@b.com',
      '[delta] flushed ka kb kc kd a@b.com']) learn(c, l);
    expect(c.template(into)).toBe(`${WILDCARD} flushed ${WILDCARD} ${WILDCARD} ${WILDCARD} ${WILDCARD} <:EMAIL:>`);
    // The head index cannot name them (any first token fits `<*>`) and they share too little
    // with it for MinHash to find every one: the fold looks at every template of that length.
    expect(before.map((id) => c.resolve(id))).toEqual(before.map(() => into));
    // Lines that share too little with it for MinHash still find it, through the head index.
    const later = ['ca', 'ce', 'ci', 'co', 'cu', 'da', 'de', 'di', 'do', 'du', 'fa', 'fe', 'fi', 'fo', 'fu', 'ga'];
    expect(later.map((t) => learn(c, `[${t}] flushed ${t}p ${t}q ${t}r ${t}s ${t}t`).clusterId)).toEqual(later.map(() => into));
    expect(c.template(into)).toBe(`${WILDCARD} flushed ${Array(5).fill(WILDCARD).join(' ')}`);
    expect(later.map((t) => c.match(toks(`[${t}] flushed ${t}p ${t}q ${t}r ${t}s ${t}t`))?.id)).toEqual(later.map(() => into));
  });

  it('folds a template whose id read as hex where the widened one read it as a number', () => {
    const c = new TemplateClusterer();
    const num = learn(c, 'served block 1234 to alpha').clusterId;
    const hex = learn(c, 'served block 12ab34cd to beta').clusterId;
    for (const w of ['gamma', 'delta']) learn(c, `served block 5678 to ${w}`);
    expect(c.resolve(hex)).toBe(num);
    expect(c.template(num)).toBe(`served block ${WILDCARD} to ${WILDCARD}`);
  });

  it('folds a template that differs from the widened one only in variable parts (an absent value beside an id)', () => {
    const c = new TemplateClusterer();
    const dash = learn(c, 'open - file alpha').clusterId;
    const id = learn(c, 'open 0xab12 file beta').clusterId;
    expect(c.resolve(id)).not.toBe(dash);
    for (const w of ['gamma', 'delta']) learn(c, `open - file ${w}`);
    expect(c.resolve(id)).toBe(dash);
    expect(c.template(dash)).toBe(`open ${WILDCARD} file ${WILDCARD}`);
    // A constant that differs keeps the other apart.
    expect(c.resolve(learn(c, 'close 0xab12 file beta').clusterId)).not.toBe(dash);
  });

  it('counts a sibling whose id reads as hex, or is absent (`-`), in a family', () => {
    const c = new TemplateClusterer();
    const ids = ['get block 12ab34cd from alpha', 'get block 5678 from beta', 'get block - from gamma'].map((l) => learn(c, l).clusterId);
    expect(new Set(ids.map((id) => c.resolve(id))).size).toBe(1);
    expect(c.template(ids[0])).toBe(`get block ${WILDCARD} from ${WILDCARD}`);
  });

  it('judges a widened template with its siblings at once (step 3 for it as for a line)', () => {
    const c = new TemplateClusterer();
    // Each sibling differs from the first softly (a number / a word) where it has not widened yet.
    const ids = ['[alpha] job 12 done', '[beta] job kaga done', '[gamma] job lu done'].map((l) => learn(c, l).clusterId);
    expect(new Set(ids.map((id) => c.resolve(id))).size).toBe(3);
    // The first widens there; its siblings now differ in the tag alone, which shows three values.
    const r = learn(c, '[alpha] job zed done');
    expect(r).toMatchObject({ clusterId: ids[0], change: 'changed', merged: expect.arrayContaining([ids[1], ids[2]]) });
    expect(c.template(ids[0])).toBe(`${WILDCARD} job ${WILDCARD} done`);
    // Two values are not enough: a lone sibling stays apart.
    const d = new TemplateClusterer();
    const two = ['[alpha] job 12 done', '[beta] job kaga done'].map((l) => learn(d, l).clusterId);
    learn(d, '[alpha] job zed done');
    expect(d.resolve(two[1])).toBe(two[1]);
  });

  it('looks again at what it passed over once a fold widened it', () => {
    const c = new TemplateClusterer();
    const [a, b, num] = ['task alpha one end', 'task beta one end', 'task 77 two end'].map((l) => learn(c, l).clusterId);
    // `a` widens at its third token; `num` then differs from it only softly and folds, widening
    // the second; `b`, passed over before that, is now covered.
    learn(c, 'task alpha 99 end');
    expect(c.template(a)).toBe(`task ${WILDCARD} ${WILDCARD} end`);
    expect([b, num].map((id) => c.resolve(id))).toEqual([a, a]);
  });

  it('keeps key=value words under different keys apart, however many values they show', () => {
    const c = new TemplateClusterer();
    const ids = ['size=ab', 'count=cd', 'limit=ef', 'depth=gh'].map((kv) => learn(c, `job ${kv} done`).clusterId);
    expect(new Set(ids.map((id) => c.resolve(id))).size).toBe(4);
    const same = ['size=ab', 'size=cd', 'size=ef'].map((kv) => learn(c, `task ${kv} done`).clusterId);
    expect(new Set(same.map((id) => c.resolve(id))).size).toBe(1);
  });

  it('judges tokens of one shape holding values (host-N:port) by their values, like plain words', () => {
    const c = new TemplateClusterer();
    const ids = ['zeus-3:4411', 'hera-12:80', 'ares-7:9092', 'nyx-1:5000'].map((h) => learn(c, `fetch failed from ${h} retrying`).clusterId);
    expect(new Set(ids.map((id) => c.resolve(id))).size).toBe(1);
    expect(c.template(ids[0])).toBe(`fetch failed from ${WILDCARD} retrying`);
  });

  it('reads letters between two values inside one token as part of that id (attempt_<n>_m_<n> / _r_)', () => {
    const c = new TemplateClusterer();
    const a = learn(c, 'container for attempt_1445_0020_m_000002_0 started');
    expect(learn(c, 'container for attempt_1446_0031_r_000117_2 started').clusterId).toBe(a.clusterId);
    // Letters before the first value stay the token's name: another event.
    const d = new TemplateClusterer();
    const b = learn(d, 'container for attempt_1445_0020_m_000002_0 started');
    expect(learn(d, 'container for backup_1445_0020_m_000002_0 started').clusterId).not.toBe(b.clusterId);
  });

  it('judges a first token holding a value (an instance, com.x.y[1]) by its values; a first plain word never', () => {
    const c = new TemplateClusterer();
    const ids = ['com.kopa.vemu', 'com.kopa.tiru', 'com.kopa.lag', 'com.kopa.bez'].map((b) => learn(c, `${b}[1] service exited: 7`).clusterId);
    expect(new Set(ids.map((id) => c.resolve(id))).size).toBe(1);
    const d = new TemplateClusterer();
    const words = ['vemu', 'tiru', 'lag', 'bez'].map((w) => learn(d, `${w} service exited: 7`).clusterId);
    expect(new Set(words.map((id) => d.resolve(id))).size).toBe(4);
  });

  it('keeps tokens of one shape apart while they show two values only, or differ in punctuation', () => {
    const c = new TemplateClusterer();
    const two = ['job_7_m', 'job_8_r', 'job_9_m'].map((j) => learn(c, `task ${j} done`).clusterId);
    expect(new Set(two.map((id) => c.resolve(id))).size).toBe(2);
    const shapes = ['zeus-3:44', 'hera.12:80', 'ares_7', 'nyx/1'].map((h) => learn(c, `fetch failed from ${h} retrying`).clusterId);
    expect(new Set(shapes.map((id) => c.resolve(id))).size).toBe(4);
  });

  it('keeps bracketed tags apart while they show two values only', () => {
    const c = new TemplateClusterer();
    const ids = ['[alpha] job done', '[beta] job done', '[alpha] job done'].map((l) => learn(c, l).clusterId);
    expect(new Set(ids.map((id) => c.resolve(id))).size).toBe(2);
  });

  it('judges a braced map of any length as one slot, like a bracketed tag (its first entry is no key)', () => {
    const c = new TemplateClusterer();
    const ids = ['{a=1}', '{bo=2, cy=3}', '{dee=4, eli=5, fay=6}', '{gus=7}'].map((m) => learn(c, `limits ${m} applied`).clusterId);
    expect(new Set(ids.map((id) => c.resolve(id))).size).toBe(1);
  });

  it('judges a comma-separated list of any length as one slot', () => {
    const c = new TemplateClusterer();
    const ids = ['ana', 'bo, cy', 'dee, eli, fay', 'gus, hal'].map((l) => learn(c, `replicas ${l} in sync`).clusterId);
    expect(new Set(ids.map((id) => c.resolve(id))).size).toBe(1);
  });

  it('judges a quoted value of any length as one slot (varying token counts, one event)', () => {
    const c = new TemplateClusterer();
    const ids = ['"timeout"', '"connection reset"', '"peer went away again"', '"no route to host"'].map((r) => learn(c, `task failed reason ${r} retrying`).clusterId);
    expect(new Set(ids.map((id) => c.resolve(id))).size).toBe(1);
    expect(c.template(ids[0])).toBe('task failed reason <*> retrying');
  });

  it('never makes the first word a variable (it names the event)', () => {
    const c = new TemplateClusterer({ siblingValues: 2 });
    for (const w of ['syslogd', 'klogd', 'cupsd', 'hcid']) learn(c, `${w} startup succeeded`);
    expect(c.size).toBe(4);
  });

  it('clusters raw (unparsable) lines only with each other', () => {
    const c = new TemplateClusterer();
    const parsed = learn(c, 'disk full on 10.0.0.1');
    const raw = learn(c, 'disk full on 10.0.0.1', { raw: true });
    expect(raw.clusterId).not.toBe(parsed.clusterId);
    expect(c.get(raw.clusterId)?.raw).toBe(true);
  });

  it('tracks count, first and last seen, exemplars and level mix', () => {
    const c = new TemplateClusterer({ maxExemplars: 2 });
    const id = learn(c, 'GET /a 200', { ts: 1000, level: 'info' }).clusterId;
    learn(c, 'GET /b 200', { ts: 3000, level: 'info' });
    learn(c, 'GET /c 200', { ts: 2000, level: 'error' });
    const t = c.get(id)!;
    expect(t).toMatchObject({ count: 3, firstSeen: 1000, lastSeen: 3000, exemplars: ['GET <:PATH:> <:NUM:>'] });
    expect(levelMix(t)).toEqual({ info: 2 / 3, error: 1 / 3 });
  });

  it('bounds memory: at most maxClusters templates, the least recently seen evicted and reported', () => {
    const c = new TemplateClusterer({ maxClusters: 16 });
    const evicted: number[] = [];
    const first = learn(c, 'event alpha0 happened').clusterId;
    for (let i = 1; i < 200; i++) {
      const r = learn(c, `event ${'x '.repeat(i)}happened`);
      for (const e of r.evicted ?? []) evicted.push(e.id);
      expect(c.size).toBeLessThanOrEqual(16);
    }
    expect(evicted).toContain(first);
    expect(c.get(first)).toBeUndefined();
    expect(learn(c, 'event alpha0 happened').change).toBe('created');
  });
});

describe('TemplateClusterer.match is read-only', () => {
  it('finds the covering template without changing anything', () => {
    const c = new TemplateClusterer();
    const id = learn(c, 'user 1 logged in from 10.0.0.1').clusterId;
    learn(c, 'user 1 logged in from db.example.com');
    const before = JSON.stringify(c.toJSON());
    expect(c.match(toks('user 9 logged in from 192.168.1.1'))?.id).toBe(id);
    expect(c.match(toks('user 9 logged out'))).toBeUndefined();
    expect(JSON.stringify(c.toJSON())).toBe(before);
  });
});

describe('snapshots', () => {
  it('round-trips through JSON and behaves the same afterwards', () => {
    const lines = [
      'session closed for user alice',
      'session closed for user bob',
      'user 1 logged in from 10.0.0.1',
      'session closed for user carol',
      'user 2 logged in from db.example.com',
      'disk /dev/sda1 is 91% full',
    ];
    const a = new TemplateClusterer({ siblingValues: 3 });
    for (const l of lines) learn(a, l, { ts: 5, level: 'info' });
    const snap = JSON.parse(JSON.stringify(a.toJSON()));
    const b = TemplateClusterer.fromJSON(snap);
    expect(b.list()).toEqual(a.list());
    expect(b.toJSON()).toEqual(a.toJSON());
    for (const l of ['session closed for user zed', 'disk /dev/sdb1 is 50% full', 'new thing 1', 'session closed for user bob']) {
      expect(learn(b, l)).toEqual(learn(a, l));
    }
    expect(b.resolve(2)).toBe(a.resolve(2));
  });

  it('rejects a malformed snapshot naming the field', () => {
    expect(() => TemplateClusterer.fromJSON({ version: 1, clusters: 'nope' })).toThrow(/clusterer snapshot: .*clusters/);
  });
});

describe('novelty', () => {
  const o = { novelty: { warmupLines: 5, newWithin: 60_000, fastHalfLife: 60_000, slowHalfLife: 3_600_000, surgeFactor: 10, minSurgeCount: 5 } };

  it('a template created after warm-up is new for a while, then not', () => {
    const c = new TemplateClusterer(o);
    for (let i = 0; i < 10; i++) learn(c, 'steady heartbeat ok', { ts: i * 1000 });
    const early = c.add(toks('steady heartbeat ok'), { ts: 10_000 }).clusterId;
    expect(c.novelty(early, 10_000).kind).toBe('none');
    for (let i = 11; i < 200; i++) learn(c, 'steady heartbeat ok', { ts: i * 1000 });
    expect(c.novelty(early, 200_000).kind).toBe('none');
    const id = learn(c, 'disk failure on sda', { ts: 220_000 }).clusterId;
    expect(c.novelty(id, 230_000)).toEqual({ kind: 'new', score: 1 });
    expect(c.novelty(id, 220_000 + 3_600_000).kind).toBe('none');
  });

  it('a rare template that suddenly becomes frequent surges', () => {
    const c = new TemplateClusterer(o);
    const hour = 3_600_000;
    let id = 0;
    for (let h = 0; h < 12; h++) id = learn(c, 'cache miss for key 1', { ts: h * hour }).clusterId;
    expect(c.novelty(id, 12 * hour).kind).toBe('none');
    for (let i = 0; i < 50; i++) learn(c, 'cache miss for key 2', { ts: 12 * hour + i * 1000 });
    const n = c.novelty(id, 12 * hour + 50_000);
    expect(n.kind).toBe('surge');
    expect(n.score).toBeGreaterThan(10);
  });
});

describe('MinHash and LSH', () => {
  it('is deterministic and order-free', () => {
    const h = new MinHasher(16);
    expect([...h.signature(['a', 'b', 'c'])]).toEqual([...new MinHasher(16).signature(['c', 'a', 'b', 'a'])]);
  });

  it('finds a near-duplicate set and not an unrelated one', () => {
    const h = new MinHasher(32);
    const lsh = new LshIndex(16, 2);
    const base = Array.from({ length: 10 }, (_, i) => `t${i}`);
    lsh.insert(1, lsh.bandKeys(h.signature(base)));
    lsh.insert(2, lsh.bandKeys(h.signature(Array.from({ length: 10 }, (_, i) => `u${i}`))));
    expect(lsh.query(lsh.bandKeys(h.signature([...base.slice(0, 9), 'other'])))).toEqual([1]);
    lsh.remove(1, lsh.bandKeys(h.signature(base)));
    expect(lsh.query(lsh.bandKeys(h.signature(base)))).toEqual([]);
  });
});
