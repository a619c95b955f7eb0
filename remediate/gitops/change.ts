/**
 * A fix plan's change as edits of a deployment repository (the GitOps path of issue 17): what a
 * reviewer merges instead of a runner executing the steps. Pure: it takes the plan and the files
 * it asked for (`filesToRead`) and returns whole files.
 *
 * The layout assumed is the common one of one folder per service, `deploy/<service>/`:
 * - a rollback to a version edits the image tag in `deploy/<service>/deployment.yaml`, and a
 *   scale its `replicas:`, when that file is there (the source of truth is edited in place);
 * - what has no such line becomes a strategic-merge patch in
 *   `deploy/<service>/warroom-fix-<plan>.yaml` (kustomize `patches:`): replicas, the memory limit
 *   of the container named after the service, the restart annotation, ConfigMap keys, PVC size;
 * - an index is a migration file, `deploy/<service>/migrations/warroom-<plan>.sql`;
 * - what Git cannot hold (deleting one pod, renewing a certificate, undoing a deploy whose
 *   manifest is not in the repository) is listed as a manual step, never faked.
 */
import type { FileEdit } from '../../core/ports/git-host.js';
import type { FixPlan } from '../../core/schemas.js';
import { isK8sName } from '../commands.js';

/** Plan ids name files: ULIDs and the like, nothing that could leave the folder. */
const PLAN_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** An image tag (Docker's grammar: up to 128 of word characters, `.` and `-`, not starting with either). */
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/** `kubectl patch <kind>/<name> -n <ns> [--type merge] -p '<json>'` as remediate/commands.ts renders it. */
const KUBECTL_PATCH = /^kubectl patch (configmap|pvc)\/([a-z0-9-]+) -n ([a-z0-9-]+)(?: --type merge)? -p '(\{.*\})'$/;
const KINDS = { configmap: { apiVersion: 'v1', kind: 'ConfigMap' }, pvc: { apiVersion: 'v1', kind: 'PersistentVolumeClaim' } } as const;

export interface AppliedStep {
  step: number;
  /** Where the step lives in the commit and what it changes there, in one phrase. */
  path: string;
  how: string;
}

export interface ManualStep {
  step: number;
  command: string;
  /** Why Git cannot hold it. */
  why: string;
}

export interface RenderedChange {
  files: FileEdit[];
  applied: AppliedStep[];
  manual: ManualStep[];
}

export class UnrenderablePlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnrenderablePlanError';
  }
}

export const deploymentPath = (service: string): string => `deploy/${service}/deployment.yaml`;
export const patchPath = (service: string, planId: string): string => `deploy/${service}/warroom-fix-${planId}.yaml`;
export const migrationPath = (service: string, planId: string): string => `deploy/${service}/migrations/warroom-${planId}.sql`;

/** The files `renderChange` reads: each step target's deployment manifest. */
export function filesToRead(plan: Pick<FixPlan, 'steps'>): string[] {
  return [...new Set(plan.steps.filter((s) => isK8sName(s.target)).map((s) => deploymentPath(s.target)))];
}

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
/** One strategic-merge patch document. */
interface PatchDoc {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string };
  body: Record<string, Json>;
}

const PLAIN_KEY = /^[A-Za-z0-9_./-]+$/;
const key = (k: string) => (PLAIN_KEY.test(k) && !/^[-.]/.test(k) ? k : JSON.stringify(k));
/** A JSON string is a valid YAML double-quoted scalar, so strings are always quoted: no YAML surprises (`no`, `1.10`). */
function yaml(v: Json, indent: string): string {
  if (Array.isArray(v)) {
    if (v.length === 0) return ' []';
    return v.map((x) => `\n${indent}-${yaml(x, `${indent}  `).replace(/^\n\s*/, ' ')}`).join('');
  }
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v);
    if (entries.length === 0) return ' {}';
    return entries.map(([k, x]) => `\n${indent}${key(k)}:${yaml(x, `${indent}  `)}`).join('');
  }
  return ` ${JSON.stringify(v)}`;
}
const renderDoc = (d: PatchDoc): string => `${yaml({ apiVersion: d.apiVersion, kind: d.kind, metadata: d.metadata, ...d.body }, '').slice(1)}\n`;

/** Deep-merges patch bodies of one object, so two steps on one Deployment make one document. */
function merge(a: Record<string, Json>, b: Record<string, Json>): Record<string, Json> {
  const out: Record<string, Json> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    const bothObjects = prev && typeof prev === 'object' && !Array.isArray(prev) && v && typeof v === 'object' && !Array.isArray(v);
    out[k] = bothObjects ? merge(prev as Record<string, Json>, v as Record<string, Json>) : v;
  }
  return out;
}

const int = (v: unknown, max: number): number | null => (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= max ? v : null);

/** The image references of the container named after the service: `image: <registry/path/><service>[:tag]` lines. */
const imageLines = (text: string, service: string) =>
  text.split('\n').flatMap((line, i) => {
    const m = /^(\s*(?:-\s+)?image:\s*)(["']?)([^\s"'@]+)\2(\s*(?:#.*)?)$/.exec(line);
    if (!m) return [];
    const ref = m[3];
    const slash = ref.lastIndexOf('/');
    const last = ref.slice(slash + 1);
    const colon = last.indexOf(':');
    const name = colon === -1 ? last : last.slice(0, colon);
    if (name !== service) return [];
    return [{ i, prefix: m[1], quote: m[2], repo: ref.slice(0, slash + 1) + name, suffix: m[4] }];
  });

/** The plan's steps as edits of the repository's files (`existing`: what `filesToRead` found; null = absent). */
export function renderChange(plan: Pick<FixPlan, 'id' | 'title' | 'steps'>, existing: ReadonlyMap<string, string | null>, now: Date): RenderedChange {
  if (!PLAN_ID.test(plan.id)) throw new UnrenderablePlanError(`plan id "${plan.id}" cannot name a file`);
  const edited = new Map<string, string>();
  const docs = new Map<string, { service: string; doc: PatchDoc }>();
  const migrations = new Map<string, string[]>();
  const applied: AppliedStep[] = [];
  const manual: ManualStep[] = [];
  const current = (path: string) => edited.get(path) ?? existing.get(path) ?? null;
  const patch = (service: string, doc: PatchDoc, stepNo: number, how: string) => {
    const id = `${doc.kind}/${doc.metadata.namespace}/${doc.metadata.name}`;
    const prev = docs.get(id);
    docs.set(id, { service: prev?.service ?? service, doc: prev ? { ...doc, body: merge(prev.doc.body, doc.body) } : doc });
    applied.push({ step: stepNo, path: patchPath(prev?.service ?? service, plan.id), how });
  };
  const deployment = (service: string, namespace: string, body: Record<string, Json>): PatchDoc => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: service, namespace }, body: { spec: body } });

  for (const [n, st] of plan.steps.entries()) {
    const no = n + 1;
    const svc = st.target;
    const ns = typeof st.params.namespace === 'string' ? st.params.namespace : 'default';
    const skip = (why: string) => manual.push({ step: no, command: st.command, why });
    if (!isK8sName(svc) || !isK8sName(ns)) {
      skip(`"${svc}" in "${ns}" is not a valid Kubernetes name, so it names no file`);
      continue;
    }
    const manifest = current(deploymentPath(svc));
    switch (st.action) {
      case 'rollback': {
        const to = st.params.to_version;
        if (typeof to !== 'string' || !IMAGE_TAG.test(to)) {
          skip('the version to roll back to is not known, and "the previous revision" exists only in the cluster');
          break;
        }
        const lines = manifest === null ? [] : imageLines(manifest, svc);
        if (manifest === null || lines.length === 0) {
          skip(manifest === null ? `${deploymentPath(svc)} is not in the repository, so its image tag cannot be edited` : `${deploymentPath(svc)} has no image line for a container named ${svc}`);
          break;
        }
        const text = manifest.split('\n');
        for (const l of lines) text[l.i] = `${l.prefix}${l.quote}${l.repo}:${to}${l.quote}${l.suffix}`;
        edited.set(deploymentPath(svc), text.join('\n'));
        applied.push({ step: no, path: deploymentPath(svc), how: `image tag of ${svc} set to ${to}` });
        break;
      }
      case 'scale': {
        const replicas = int(st.params.replicas, 256);
        if (replicas === null) {
          skip('the step carries no valid replica count');
          break;
        }
        const found = manifest === null ? [] : manifest.split('\n').flatMap((line, i) => (/^\s+replicas:\s*\d+\s*(#.*)?$/.test(line) ? [i] : []));
        if (manifest !== null && found.length === 1) {
          const text = manifest.split('\n');
          text[found[0]] = text[found[0]].replace(/replicas:\s*\d+/, `replicas: ${replicas}`);
          edited.set(deploymentPath(svc), text.join('\n'));
          applied.push({ step: no, path: deploymentPath(svc), how: `replicas set to ${replicas}` });
        } else patch(svc, deployment(svc, ns, { replicas }), no, `replicas set to ${replicas}`);
        break;
      }
      case 'resize': {
        const mb = int(st.params.memory_mb, 1_048_576);
        if (mb === null) {
          skip('the step carries no valid memory limit');
          break;
        }
        patch(svc, deployment(svc, ns, { template: { spec: { containers: [{ name: svc, resources: { limits: { memory: `${mb}Mi` } } }] } } }), no, `memory limit of container ${svc} set to ${mb}Mi`);
        break;
      }
      case 'restart': {
        if (st.params.instance !== undefined) {
          skip('one pod is replaced by deleting it; a pod is not declared in Git');
          break;
        }
        // what `kubectl rollout restart` writes: a changed pod-template annotation rolls every pod
        patch(svc, deployment(svc, ns, { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': now.toISOString() } } } }), no, 'pod-template restartedAt annotation set: a rolling restart');
        break;
      }
      case 'add_index': {
        if (!/^CREATE INDEX CONCURRENTLY IF NOT EXISTS [a-z0-9_]+ ON [a-z0-9_]+ \([a-z0-9_]+\);$/.test(st.command)) {
          skip('the statement is not one this renderer generated');
          break;
        }
        const path = migrationPath(svc, plan.id);
        migrations.set(path, [...(migrations.get(path) ?? []), st.command]);
        applied.push({ step: no, path, how: 'a migration building the index concurrently' });
        break;
      }
      default: {
        // ConfigMap keys (flags, config) and volume sizes: the merge patch the step's command carries
        const m = KUBECTL_PATCH.exec(st.command);
        if (!m) {
          skip(`a "${st.action}" step changes no declared object`);
          break;
        }
        const [, kind, name, namespace, json] = m;
        let body: Record<string, Json>;
        try {
          body = JSON.parse(json) as Record<string, Json>;
        } catch {
          skip('its patch is not valid JSON');
          break;
        }
        patch(svc, { ...KINDS[kind as keyof typeof KINDS], metadata: { name, namespace }, body }, no, `${KINDS[kind as keyof typeof KINDS].kind} ${name} patched`);
      }
    }
  }

  const files: FileEdit[] = [...edited].map(([path, content]) => ({ path, content }));
  const title = plan.title.replace(/\s+/g, ' ');
  const byFile = new Map<string, PatchDoc[]>();
  for (const { service, doc } of docs.values()) byFile.set(patchPath(service, plan.id), [...(byFile.get(patchPath(service, plan.id)) ?? []), doc]);
  for (const [path, list] of byFile) {
    const header = `# Warroom fix plan ${plan.id}: ${title}\n# Strategic-merge patches: list this file under \`patches:\` in the kustomization.yaml of this folder if it is not picked up.\n`;
    files.push({ path, content: header + list.map((d) => `---\n${renderDoc(d)}`).join('') });
  }
  for (const [path, statements] of migrations) files.push({ path, content: `-- Warroom fix plan ${plan.id}: ${title}\n-- CONCURRENTLY: run outside a transaction.\n${statements.join('\n')}\n` });
  return { files, applied, manual };
}

/** A plan whose every step is manual leaves nothing to commit. */
export const isEmptyChange = (c: RenderedChange): boolean => c.files.length === 0;

