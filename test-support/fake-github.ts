/**
 * A local GitHub REST API for tests: an http server on 127.0.0.1 (port 0) speaking the part of
 * the API the GitOps path uses — repositories, refs, blobs, trees, commits, contents and pull
 * requests — over a real little object store, the way GitHub answers:
 * - it checks the token (`Authorization: token …` or `Bearer …`; 401 "Bad credentials"),
 * - 404 "Not Found" for an unknown repository, ref, commit or file,
 * - 422 "Validation Failed" for a missing or malformed field, a base_tree, parent, tree or blob
 *   sha it does not hold, a ref name that is not `refs/heads/…` or not a valid branch name, a ref
 *   that already exists ("Reference already exists"), a non-fast-forward update without force,
 *   and a second open pull request of one branch ("A pull request already exists for o:b."),
 * and records every call, so a test fails when our calls are wrong, and reads the result from
 * the repository's side (`fileAt`, `pulls`), never from the adapter's memory.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/* eslint-disable @typescript-eslint/no-explicit-any -- request bodies as they arrive over the wire */
type Body = Record<string, any>;

export interface GitHubCall {
  method: string;
  /** The decoded path, without the query. */
  path: string;
  query: Record<string, string>;
  body: Body | null;
  status: number;
}

type GitObject = { type: 'blob'; content: Buffer } | { type: 'tree'; files: Map<string, string> } | { type: 'commit'; tree: string; parents: string[]; message: string };

export interface FakePull {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  state: 'open' | 'closed';
  headSha: string;
}

interface Repo {
  owner: string;
  name: string;
  defaultBranch: string;
  objects: Map<string, GitObject>;
  /** Full ref name (refs/heads/main) → commit sha. */
  refs: Map<string, string>;
  pulls: FakePull[];
}

export interface FakeGitHub {
  /** What GITHUB_API_URL takes. */
  url: string;
  token: string;
  calls: GitHubCall[];
  /** Creates a repository whose default branch holds `files` in one commit. */
  addRepo(fullName: string, files: Record<string, string>, defaultBranch?: string): void;
  /** A file's text at a branch (null: no such file or branch). */
  fileAt(fullName: string, branch: string, path: string): string | null;
  /** The commit at the tip of a branch, with its tree as path → text, or null. */
  headOf(fullName: string, branch: string): { sha: string; message: string; parents: string[]; files: Record<string, string> } | null;
  pulls(fullName: string): FakePull[];
  /** The next call whose "METHOD /path" matches `route` fails with `status` and GitHub's `message`. */
  failNext(route: RegExp, status: number, message: string): void;
  close(): Promise<void>;
}

const DOCS = 'https://docs.github.com/rest';
/** Branch names GitHub takes (git check-ref-format, simplified: no `..`, `@{`, control or special characters, no leading or trailing `/` or `.`). */
const BRANCH = /^(?!.*\.\.)(?!.*@\{)(?!.*\/\/)(?![/.])[A-Za-z0-9._/-]+(?<![/.]|\.lock)$/;
const SHA = /^[0-9a-f]{40}$/;
const MODES = new Set(['100644', '100755', '040000', '160000', '120000']);

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: unknown[],
  ) {
    super(message);
  }
}
const notFound = () => new HttpError(404, 'Not Found');
const invalid = (message: string, errors?: unknown[]) => new HttpError(422, message, errors);

function hashOf(obj: GitObject): string {
  const h = createHash('sha1');
  if (obj.type === 'blob') h.update(`blob ${obj.content.length}\0`).update(obj.content);
  else if (obj.type === 'tree') h.update(`tree\0${JSON.stringify([...obj.files].sort(([a], [b]) => a.localeCompare(b)))}`);
  else h.update(`commit\0${JSON.stringify([obj.tree, obj.parents, obj.message])}`);
  return h.digest('hex');
}

async function readBody(req: IncomingMessage): Promise<Body | null> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  if (chunks.length === 0) return null;
  try {
    const v: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
    return v as Body;
  } catch {
    throw new HttpError(400, 'Problems parsing JSON');
  }
}

export async function startFakeGitHub(opts: { token?: string } = {}): Promise<FakeGitHub> {
  const token = opts.token ?? `ghp_test${createHash('sha1').update(String(process.hrtime.bigint())).digest('hex').slice(0, 30)}`;
  const repos = new Map<string, Repo>();
  const calls: GitHubCall[] = [];
  const failures: { route: RegExp; status: number; message: string }[] = [];
  let port = 0;
  const origin = () => `http://127.0.0.1:${port}`;

  const put = (repo: Repo, obj: GitObject): string => {
    const sha = hashOf(obj);
    repo.objects.set(sha, obj);
    return sha;
  };
  const get = <T extends GitObject['type']>(repo: Repo, sha: unknown, type: T): Extract<GitObject, { type: T }> | undefined => {
    const o = typeof sha === 'string' ? repo.objects.get(sha) : undefined;
    return o?.type === type ? (o as Extract<GitObject, { type: T }>) : undefined;
  };
  const commitOf = (repo: Repo, sha: string) => get(repo, sha, 'commit')!;
  const isAncestor = (repo: Repo, ancestor: string, of: string): boolean => {
    const seen = new Set<string>();
    const stack = [of];
    while (stack.length) {
      const s = stack.pop()!;
      if (s === ancestor) return true;
      if (seen.has(s)) continue;
      seen.add(s);
      stack.push(...(get(repo, s, 'commit')?.parents ?? []));
    }
    return false;
  };
  const requireString = (b: Body | null, field: string): string => {
    const v = b?.[field];
    if (typeof v !== 'string' || v === '') throw invalid(`Invalid request.\n\n"${field}" wasn't supplied.`, [{ resource: 'Request', field, code: 'missing_field' }]);
    return v;
  };
  const refJson = (repo: Repo, ref: string) => ({ ref, node_id: 'REF', url: `${origin()}/repos/${repo.owner}/${repo.name}/git/${ref}`, object: { sha: repo.refs.get(ref)!, type: 'commit', url: '' } });
  const commitJson = (repo: Repo, sha: string) => {
    const c = commitOf(repo, sha);
    return { sha, node_id: 'C', url: '', html_url: '', message: c.message, tree: { sha: c.tree, url: '' }, parents: c.parents.map((p) => ({ sha: p, url: '', html_url: '' })), author: null, committer: null, verification: null };
  };
  const pullJson = (repo: Repo, p: FakePull) => ({
    number: p.number,
    id: p.number,
    node_id: 'PR',
    state: p.state,
    title: p.title,
    body: p.body,
    url: `${origin()}/repos/${repo.owner}/${repo.name}/pulls/${p.number}`,
    html_url: `https://github.example/${repo.owner}/${repo.name}/pull/${p.number}`,
    head: { ref: p.head, sha: p.headSha, label: `${repo.owner}:${p.head}`, repo: { full_name: `${repo.owner}/${repo.name}` } },
    base: { ref: p.base, sha: repo.refs.get(`refs/heads/${p.base}`) ?? '', label: `${repo.owner}:${p.base}` },
  });

  function route(method: string, path: string, query: Record<string, string>, body: Body | null): { status: number; json: unknown } {
    const m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
    if (!m) throw notFound();
    const repo = repos.get(`${m[1]}/${m[2]}`);
    if (!repo) throw notFound();
    const rest = m[3] ?? '';
    let r: RegExpExecArray | null;

    if (method === 'GET' && rest === '') return { status: 200, json: { id: 1, name: repo.name, full_name: `${repo.owner}/${repo.name}`, owner: { login: repo.owner }, default_branch: repo.defaultBranch, private: true } };

    if (method === 'GET' && (r = /^\/git\/ref\/(.+)$/.exec(rest))) {
      const ref = `refs/${r[1]}`;
      if (!repo.refs.has(ref)) throw notFound();
      return { status: 200, json: refJson(repo, ref) };
    }

    if (method === 'POST' && rest === '/git/refs') {
      const ref = requireString(body, 'ref');
      const sha = requireString(body, 'sha');
      if (!ref.startsWith('refs/') || ref.split('/').length < 3) throw invalid('Reference name must start with \'refs/\' and have at least two slashes.');
      if (ref.startsWith('refs/heads/') && !BRANCH.test(ref.slice('refs/heads/'.length))) throw invalid(`${ref} is not a valid ref name.`);
      if (!get(repo, sha, 'commit')) throw invalid('Object does not exist');
      if (repo.refs.has(ref)) throw invalid('Reference already exists');
      repo.refs.set(ref, sha);
      return { status: 201, json: refJson(repo, ref) };
    }

    if (method === 'PATCH' && (r = /^\/git\/refs\/(.+)$/.exec(rest))) {
      const ref = `refs/${r[1]}`;
      const sha = requireString(body, 'sha');
      const now = repo.refs.get(ref);
      if (!now) throw invalid('Reference does not exist');
      if (!get(repo, sha, 'commit')) throw invalid('Object does not exist');
      if (body?.force !== true && !isAncestor(repo, now, sha)) throw invalid('Update is not a fast forward');
      repo.refs.set(ref, sha);
      return { status: 200, json: refJson(repo, ref) };
    }

    if (method === 'POST' && rest === '/git/blobs') {
      const content = body?.content;
      if (typeof content !== 'string') throw invalid('Invalid request.\n\n"content" wasn\'t supplied.');
      const encoding = body?.encoding ?? 'utf-8';
      if (encoding !== 'utf-8' && encoding !== 'base64') throw invalid(`encoding must be utf-8 or base64, not ${String(encoding)}`);
      const sha = put(repo, { type: 'blob', content: Buffer.from(content, encoding === 'base64' ? 'base64' : 'utf8') });
      return { status: 201, json: { sha, url: `${origin()}/repos/${repo.owner}/${repo.name}/git/blobs/${sha}` } };
    }

    if (method === 'POST' && rest === '/git/trees') {
      const entries = body?.tree;
      if (!Array.isArray(entries) || entries.length === 0) throw invalid('Invalid request.\n\n"tree" wasn\'t supplied.');
      const files = new Map<string, string>();
      if (body?.base_tree !== undefined) {
        const base = get(repo, body.base_tree, 'tree');
        if (!base) throw invalid('base_tree is not a valid tree oid');
        for (const [p, s] of base.files) files.set(p, s);
      }
      for (const e of entries as Body[]) {
        const p = e?.path;
        if (typeof p !== 'string' || p === '' || p.startsWith('/') || p.endsWith('/') || p.split('/').some((seg) => seg === '' || seg === '.' || seg === '..')) throw invalid(`tree.path contains a malformed path component: ${String(p)}`);
        if (!MODES.has(e.mode)) throw invalid(`tree.mode must be one of 100644, 100755, 040000, 160000, 120000 (got ${String(e.mode)})`);
        if (e.type !== 'blob') throw invalid(`tree.type "${String(e.type)}" is not supported here (blobs only)`);
        if (e.sha === null) {
          files.delete(p);
          continue;
        }
        if (typeof e.content === 'string') files.set(p, put(repo, { type: 'blob', content: Buffer.from(e.content, 'utf8') }));
        else if (get(repo, e.sha, 'blob')) files.set(p, e.sha);
        else throw invalid(`tree.sha ${String(e.sha)} is not a valid blob`);
      }
      const sha = put(repo, { type: 'tree', files });
      return { status: 201, json: { sha, url: '', truncated: false, tree: [...files].map(([p, s]) => ({ path: p, mode: '100644', type: 'blob', sha: s })) } };
    }

    if (method === 'GET' && (r = /^\/git\/commits\/([0-9a-f]{40})$/.exec(rest))) {
      if (!get(repo, r[1], 'commit')) throw notFound();
      return { status: 200, json: commitJson(repo, r[1]) };
    }

    if (method === 'POST' && rest === '/git/commits') {
      const message = requireString(body, 'message');
      const tree = requireString(body, 'tree');
      if (!get(repo, tree, 'tree')) throw invalid('Tree SHA does not exist');
      const parents = body?.parents ?? [];
      if (!Array.isArray(parents) || parents.some((p) => typeof p !== 'string' || !SHA.test(p) || !get(repo, p, 'commit'))) throw invalid('Parent SHA does not exist or is not a commit object');
      const sha = put(repo, { type: 'commit', tree, parents, message });
      return { status: 201, json: commitJson(repo, sha) };
    }

    if (method === 'GET' && (r = /^\/contents\/(.+)$/.exec(rest))) {
      const branch = query.ref ?? repo.defaultBranch;
      const head = repo.refs.get(`refs/heads/${branch}`) ?? (get(repo, branch, 'commit') ? branch : undefined);
      if (!head) throw new HttpError(404, `No commit found for the ref ${branch}`);
      const blobSha = get(repo, commitOf(repo, head).tree, 'tree')!.files.get(r[1]);
      const blob = blobSha ? get(repo, blobSha, 'blob') : undefined;
      if (!blob || !blobSha) throw notFound();
      return { status: 200, json: { type: 'file', encoding: 'base64', size: blob.content.length, name: r[1].split('/').pop(), path: r[1], sha: blobSha, content: blob.content.toString('base64').replace(/(.{60})/g, '$1\n') } };
    }

    if (method === 'GET' && rest === '/pulls') {
      const state = query.state ?? 'open';
      if (!['open', 'closed', 'all'].includes(state)) throw invalid(`state must be open, closed or all`);
      let list = repo.pulls.filter((p) => state === 'all' || p.state === state);
      if (query.head) {
        const [owner, branch] = query.head.includes(':') ? query.head.split(':', 2) : [repo.owner, query.head];
        list = owner === repo.owner ? list.filter((p) => p.head === branch) : [];
      }
      if (query.base) list = list.filter((p) => p.base === query.base);
      return { status: 200, json: [...list].sort((a, b) => b.number - a.number).map((p) => pullJson(repo, p)) };
    }

    if (method === 'POST' && rest === '/pulls') {
      const title = requireString(body, 'title');
      const head = requireString(body, 'head');
      const base = requireString(body, 'base');
      const branch = head.includes(':') ? head.split(':', 2)[1] : head;
      const headSha = repo.refs.get(`refs/heads/${branch}`);
      const baseSha = repo.refs.get(`refs/heads/${base}`);
      if (!headSha) throw invalid('Validation Failed', [{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
      if (!baseSha) throw invalid('Validation Failed', [{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
      if (repo.pulls.some((p) => p.head === branch && p.state === 'open')) throw invalid('Validation Failed', [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${repo.owner}:${branch}.` }]);
      if (isAncestor(repo, headSha, baseSha)) throw invalid('Validation Failed', [{ resource: 'PullRequest', code: 'custom', message: `No commits between ${base} and ${branch}` }]);
      const pull: FakePull = { number: repo.pulls.length + 1, title, body: typeof body?.body === 'string' ? body.body : '', head: branch, base, state: 'open', headSha };
      repo.pulls.push(pull);
      return { status: 201, json: pullJson(repo, pull) };
    }

    throw notFound();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', origin());
    // Octokit sends `heads/main` URL-encoded (`heads%2Fmain`): decode each segment as GitHub does
    const path = u.pathname.split('/').map(decodeURIComponent).join('/');
    const call: GitHubCall = { method: req.method ?? 'GET', path, query: Object.fromEntries(u.searchParams), body: null, status: 0 };
    calls.push(call);
    const send = (status: number, json: unknown) => {
      call.status = status;
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(json));
    };
    try {
      call.body = await readBody(req);
      const auth = req.headers.authorization ?? '';
      if (auth !== `token ${token}` && auth !== `Bearer ${token}` && auth !== `bearer ${token}`) throw new HttpError(401, 'Bad credentials');
      const failure = failures.findIndex((f) => f.route.test(`${call.method} ${path}`));
      if (failure !== -1) {
        const [f] = failures.splice(failure, 1);
        throw new HttpError(f.status, f.message);
      }
      const out = route(call.method, path, call.query, call.body);
      send(out.status, out.json);
    } catch (e) {
      if (!(e instanceof HttpError)) throw e;
      send(e.status, { message: e.message, documentation_url: DOCS, status: String(e.status), ...(e.errors ? { errors: e.errors } : {}) });
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `fake-github bug: ${String(e)}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;

  const repoOf = (fullName: string): Repo => {
    const r = repos.get(fullName);
    if (!r) throw new Error(`fake-github: no repository ${fullName}`);
    return r;
  };
  const treeAt = (repo: Repo, branch: string) => {
    const sha = repo.refs.get(`refs/heads/${branch}`);
    return sha ? { sha, commit: commitOf(repo, sha), files: get(repo, commitOf(repo, sha).tree, 'tree')!.files } : null;
  };

  return {
    url: origin(),
    token,
    calls,
    addRepo(fullName, files, defaultBranch = 'main') {
      const [owner, name] = fullName.split('/');
      const repo: Repo = { owner, name, defaultBranch, objects: new Map(), refs: new Map(), pulls: [] };
      const tree = put(repo, { type: 'tree', files: new Map(Object.entries(files).map(([p, c]) => [p, put(repo, { type: 'blob', content: Buffer.from(c, 'utf8') })])) });
      repo.refs.set(`refs/heads/${defaultBranch}`, put(repo, { type: 'commit', tree, parents: [], message: 'initial commit' }));
      repos.set(fullName, repo);
    },
    fileAt(fullName, branch, path) {
      const repo = repoOf(fullName);
      const t = treeAt(repo, branch);
      const blob = t?.files.get(path);
      return blob ? get(repo, blob, 'blob')!.content.toString('utf8') : null;
    },
    headOf(fullName, branch) {
      const repo = repoOf(fullName);
      const t = treeAt(repo, branch);
      if (!t) return null;
      return { sha: t.sha, message: t.commit.message, parents: t.commit.parents, files: Object.fromEntries([...t.files].map(([p, s]) => [p, get(repo, s, 'blob')!.content.toString('utf8')])) };
    },
    pulls: (fullName) => repoOf(fullName).pulls,
    failNext(route, status, message) {
      failures.push({ route, status, message });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
