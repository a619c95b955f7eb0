/**
 * `warroom policy list|put NAME FILE|delete NAME`: an org's own Cedar policies on a running
 * instance, through GET/PUT/DELETE /v1/policies. A set that does not validate is printed the way
 * compilers print errors (`FILE:LINE:COLUMN: message`), so an editor can jump to it. Each
 * function returns an exit code: 0 ok, 1 failure, 2 bad input (a policy that does not validate).
 */
import { readFileSync } from 'node:fs';
import { loadConfig } from '../config.js';
import { httpClient, type HttpResult } from '../http-client.js';

type Out = (s: string) => void;

export interface PolicyCommandOptions {
  /** The running instance (default http://127.0.0.1:$PORT). */
  url?: string;
  /** An API key of the org: read to list, admin to put or delete (default $WARROOM_API_KEY). */
  key?: string;
  json?: boolean;
  out?: Out;
  err?: Out;
  /** What `-` reads as the file (default: standard input). */
  stdin?: () => string;
}

interface Problem {
  line: number | null;
  column: number | null;
  message: string;
  help: string | null;
}

interface PolicySet {
  name: string;
  source: string;
  read_only: boolean;
  ids: string[];
  updated_by: string | null;
  updated_at: string | null;
  problems?: Problem[];
}

const io = (o: PolicyCommandOptions) => ({ out: o.out ?? ((s: string) => void process.stdout.write(s)), err: o.err ?? ((s: string) => void process.stderr.write(s)) });

/** The instance and key: the options, else this machine's PORT and WARROOM_API_KEY. */
function instance(o: PolicyCommandOptions): { url: string; key: string | undefined } {
  if (o.url && o.key) return { url: o.url.replace(/\/+$/, ''), key: o.key };
  const cfg = loadConfig();
  return { url: (o.url ?? `http://127.0.0.1:${cfg.PORT}`).replace(/\/+$/, ''), key: o.key ?? cfg.WARROOM_API_KEY };
}

/** Runs one request, or prints why it could not and gives the exit code. */
async function request(o: PolicyCommandOptions, what: string, send: (c: ReturnType<typeof httpClient>) => Promise<HttpResult>): Promise<HttpResult | number> {
  const { err } = io(o);
  const { url, key } = instance(o);
  if (!key) {
    err(`warroom: policy ${what} needs an API key of the org (read to list, admin to change): pass --key or set WARROOM_API_KEY\n`);
    return 2;
  }
  try {
    return await send(httpClient(url, key));
  } catch (e) {
    err(`warroom: cannot reach Warroom at ${url} (${(e as Error).message}); is \`warroom start\` running?\n`);
    return 1;
  }
}

const failed = (o: PolicyCommandOptions, what: string, res: HttpResult): number => {
  const body = res.body as { detail?: string } | undefined;
  io(o).err(`warroom: policy ${what} failed (${res.status}): ${body?.detail ?? JSON.stringify(body)}\n`);
  return res.status === 422 || res.status === 400 ? 2 : 1;
};

const place = (file: string, p: Problem) => `${file}:${p.line ?? 1}:${p.column ?? 1}: ${p.message}${p.help ? ` (${p.help})` : ''}`;

/** `warroom policy list`: every set the preflight evaluates, built-in ones first. */
export async function runPolicyList(o: PolicyCommandOptions = {}): Promise<number> {
  const res = await request(o, 'list', (c) => c.get('/v1/policies'));
  if (typeof res === 'number') return res;
  if (res.status !== 200) return failed(o, 'list', res);
  const sets = (res.body as { policies: PolicySet[] }).policies;
  const { out } = io(o);
  if (o.json) {
    out(`${JSON.stringify(res.body, null, 2)}\n`);
    return 0;
  }
  for (const p of sets) {
    const who = p.updated_at ? `, ${p.updated_by} at ${p.updated_at}` : '';
    out(`${p.name}  (${p.source}${p.read_only ? ', read-only' : ''}${who})\n  ${p.ids.join(', ') || '—'}\n`);
    for (const pr of p.problems ?? []) out(`  ! ${place(p.name, pr)}\n`);
  }
  return 0;
}

/** `warroom policy put NAME FILE` (`-`: standard input): stores the org's set NAME, or prints each problem at its place. */
export async function runPolicyPut(name: string, file: string, o: PolicyCommandOptions = {}): Promise<number> {
  const { out, err } = io(o);
  let text: string;
  try {
    text = file === '-' ? (o.stdin ?? (() => readFileSync(0, 'utf8')))() : readFileSync(file, 'utf8');
  } catch (e) {
    err(`warroom: cannot read ${file}: ${(e as Error).message}\n`);
    return 2;
  }
  const res = await request(o, 'put', (c) => c.put(`/v1/policies/${encodeURIComponent(name)}`, { text }));
  if (typeof res === 'number') return res;
  const problems = (res.body as { problems?: Problem[] } | undefined)?.problems;
  if (res.status === 422 && problems?.length) {
    err(`warroom: ${file} does not validate against the policy schema:\n`);
    for (const p of problems) err(`${place(file, p)}\n`);
    return 2;
  }
  if (res.status !== 200) return failed(o, 'put', res);
  const body = res.body as { policy_set: PolicySet & { sha256: string }; created: boolean; warnings: Problem[] };
  if (o.json) out(`${JSON.stringify(body, null, 2)}\n`);
  else {
    out(`${body.created ? 'Stored' : 'Replaced'} policy set ${body.policy_set.name} (${body.policy_set.ids.join(', ')}); sha256 ${body.policy_set.sha256}. The next preflight uses it.\n`);
    for (const w of body.warnings) err(`warning: ${place(file, w)}\n`);
  }
  return 0;
}

/** `warroom policy delete NAME`: removes the org's set NAME. */
export async function runPolicyDelete(name: string, o: PolicyCommandOptions = {}): Promise<number> {
  const res = await request(o, 'delete', (c) => c.delete(`/v1/policies/${encodeURIComponent(name)}`));
  if (typeof res === 'number') return res;
  if (res.status !== 200) return failed(o, 'delete', res);
  const { out } = io(o);
  out(o.json ? `${JSON.stringify(res.body, null, 2)}\n` : `Deleted policy set ${name}.\n`);
  return 0;
}
