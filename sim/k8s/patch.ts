/**
 * The three patch formats of the Kubernetes API, applied to plain JSON objects (pure):
 * RFC 6902 JSON patch, RFC 7386 merge patch, and the strategic merge patch, which merges lists
 * of objects by their key (containers by `name`, ports by `containerPort`…) instead of replacing
 * them — how `kubectl set image` and `kubectl rollout restart` send their changes.
 * A patch that cannot apply is a `PatchError` (the API answers 422; a malformed one 400).
 */

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

export class PatchError extends Error {
  constructor(message: string, readonly status: 400 | 422 = 422) {
    super(message);
  }
}

export const PATCH_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
} as const;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const clone = <T>(v: T): T => structuredClone(v);

/** Applies a patch of the given content type (its media type only; parameters ignored). */
export function applyPatch(target: Json, contentType: string | undefined, patch: unknown): Json {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === PATCH_TYPES.json) return jsonPatch(target, patch);
  if (type === PATCH_TYPES.merge) return mergePatch(target, asObj(patch));
  if (type === PATCH_TYPES.strategic) return strategicMerge(target, asObj(patch));
  throw new PatchError(`unsupported patch content type "${type || 'none'}" (use ${Object.values(PATCH_TYPES).join(', ')})`, 400);
}

function asObj(patch: unknown): Obj {
  if (!isObj(patch)) throw new PatchError('a merge patch must be a JSON object', 400);
  return patch as Obj;
}

// ---- RFC 7386 ---------------------------------------------------------------------------

export function mergePatch(target: Json, patch: Json): Json {
  if (!isObj(patch)) return clone(patch);
  const out: Obj = isObj(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k] ?? null, v);
  }
  return out;
}

// ---- strategic merge ----------------------------------------------------------------------

/** The merge key of the lists the sandbox's objects hold (k8s.io/api's patchMergeKey tags). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  env: 'name',
  ports: 'containerPort',
  volumes: 'name',
  volumeMounts: 'mountPath',
  conditions: 'type',
  imagePullSecrets: 'name',
  ownerReferences: 'uid',
};

export function strategicMerge(target: Json, patch: Obj): Json {
  if (patch.$patch === 'replace') {
    const rest = { ...patch };
    delete rest.$patch;
    return clone(rest);
  }
  if (patch.$patch === 'delete') return null;
  const out: Obj = isObj(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    // directives kubectl adds (element order, retained keys) do not change the content here
    if (k.startsWith('$setElementOrder/') || k === '$retainKeys' || k === '$patch') continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      if (Array.isArray(out[field]) && Array.isArray(v)) out[field] = (out[field] as Json[]).filter((x) => !v.includes(x));
      continue;
    }
    if (v === null) delete out[k];
    else if (Array.isArray(v) && MERGE_KEYS[k] && Array.isArray(out[k])) out[k] = mergeList(out[k] as Json[], v, MERGE_KEYS[k]);
    else if (isObj(v)) out[k] = strategicMerge(out[k] ?? null, v);
    else out[k] = clone(v);
  }
  return out;
}

function mergeList(current: Json[], patch: Json[], key: string): Json[] {
  const out = clone(current);
  for (const item of patch) {
    if (!isObj(item) || !(key in item)) throw new PatchError(`a strategic merge list item needs its merge key "${key}"`);
    const i = out.findIndex((x) => isObj(x) && x[key] === item[key]);
    if (item.$patch === 'delete') {
      if (i >= 0) out.splice(i, 1);
    } else if (i >= 0) out[i] = strategicMerge(out[i], item);
    else out.push(strategicMerge(null, item));
  }
  return out;
}

// ---- RFC 6902 ---------------------------------------------------------------------------

interface Op {
  op: string;
  path: string;
  from?: string;
  value?: Json;
}

export function jsonPatch(target: Json, ops: unknown): Json {
  if (!Array.isArray(ops)) throw new PatchError('a JSON patch must be an array of operations', 400);
  let doc = clone(target);
  for (const [n, raw] of ops.entries()) {
    if (!isObj(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') throw new PatchError(`operation ${n}: needs "op" and "path"`, 400);
    const op = raw as unknown as Op;
    switch (op.op) {
      case 'add':
        doc = put(doc, op.path, need(op, n), 'add');
        break;
      case 'replace':
        get(doc, op.path, n);
        doc = put(doc, op.path, need(op, n), 'replace');
        break;
      case 'remove':
        doc = remove(doc, op.path, n);
        break;
      case 'move':
      case 'copy': {
        if (typeof op.from !== 'string') throw new PatchError(`operation ${n}: ${op.op} needs "from"`, 400);
        const v = clone(get(doc, op.from, n));
        if (op.op === 'move') doc = remove(doc, op.from, n);
        doc = put(doc, op.path, v, 'add');
        break;
      }
      case 'test':
        if (JSON.stringify(get(doc, op.path, n)) !== JSON.stringify(need(op, n))) throw new PatchError(`operation ${n}: test failed at ${op.path}`);
        break;
      default:
        throw new PatchError(`operation ${n}: unknown op "${op.op}"`, 400);
    }
  }
  return doc;
}

function need(op: Op, n: number): Json {
  if (!('value' in op) || op.value === undefined) throw new PatchError(`operation ${n}: ${op.op} needs "value"`, 400);
  return clone(op.value);
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new PatchError(`"${path}" is not a JSON pointer`, 400);
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function get(doc: Json, path: string, n: number): Json {
  let cur: Json = doc;
  for (const p of pointer(path)) {
    if (Array.isArray(cur) && /^\d+$/.test(p) && Number(p) < cur.length) cur = cur[Number(p)];
    else if (isObj(cur) && p in cur) cur = cur[p];
    else throw new PatchError(`operation ${n}: path ${path} does not exist`);
  }
  return cur;
}

function parentOf(doc: Json, path: string): { parent: Json; last: string } {
  const parts = pointer(path);
  if (!parts.length) throw new PatchError('cannot patch the whole document', 400);
  const last = parts.pop()!;
  let parent: Json = doc;
  for (const p of parts) {
    if (Array.isArray(parent) && /^\d+$/.test(p) && Number(p) < parent.length) parent = parent[Number(p)];
    else if (isObj(parent) && p in parent) parent = parent[p];
    else throw new PatchError(`path ${path}: ${p} does not exist`);
  }
  return { parent, last };
}

function put(doc: Json, path: string, value: Json, mode: 'add' | 'replace'): Json {
  const { parent, last } = parentOf(doc, path);
  if (Array.isArray(parent)) {
    const i = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(i) || i < 0 || i > parent.length || (mode === 'replace' && i >= parent.length)) throw new PatchError(`path ${path}: index out of range`);
    if (mode === 'add') parent.splice(i, 0, value);
    else parent[i] = value;
  } else if (isObj(parent)) parent[last] = value;
  else throw new PatchError(`path ${path}: the parent is not an object or a list`);
  return doc;
}

function remove(doc: Json, path: string, n: number): Json {
  get(doc, path, n);
  const { parent, last } = parentOf(doc, path);
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else if (isObj(parent)) delete parent[last];
  return doc;
}
