/**
 * What a changed Kubernetes object means for the sandbox: the old and the patched object in,
 * the sandbox remedies out (sim/schema.ts Remedy), or the field errors of an invalid spec (422,
 * as the API server words them). Pure. A change the sandbox cannot represent (a new container,
 * a different registry, a volume template) is refused rather than silently dropped, so a client
 * never believes a change happened that did not.
 */
import type { Remedy } from '../schema.js';
import type { Scalar, ServiceDesired } from '../state.js';
import type { Json } from './patch.js';
import { RESTARTED_AT, REGISTRY, type K8sObject } from './objects.js';

export interface FieldCause {
  field: string;
  message: string;
  reason: 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueNotSupported' | 'FieldValueRequired';
}
export type Mapped = { ok: true; remedies: Remedy[] } | { ok: false; causes: FieldCause[] };

type O = { [k: string]: Json };
const obj = (v: Json | undefined): O => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as O) : {});
const at = (v: Json | undefined, ...path: (string | number)[]): Json | undefined => {
  let cur: Json | undefined = v;
  for (const p of path) {
    if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, Json>)[p];
  }
  return cur;
};
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
const DECIMAL: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** A Kubernetes quantity ("512Mi", "1.5G", "2e9") in bytes (or in units for cpu), or null. */
export function parseQuantity(q: Json | undefined): number | null {
  if (typeof q === 'number') return Number.isFinite(q) && q >= 0 ? q : null;
  if (typeof q !== 'string') return null;
  const m = /^(\d+(?:\.\d+)?)(?:(Ki|Mi|Gi|Ti|k|M|G|T|m)|e(\d+))?$/.exec(q.trim());
  if (!m) return null;
  const n = Number(m[1]);
  if (m[3]) return n * 10 ** Number(m[3]);
  if (!m[2]) return n;
  if (m[2] === 'm') return n / 1000;
  return n * (BINARY[m[2]] ?? DECIMAL[m[2]]);
}

const MB = 2 ** 20;
const GB = 2 ** 30;

function invalid(field: string, value: Json | undefined, why: string): FieldCause {
  return { field, reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(value ?? null)}: ${why}` };
}
function forbidden(field: string, why: string): FieldCause {
  return { field, reason: 'FieldValueForbidden', message: `Forbidden: ${why}` };
}

/** The fields of a workload's spec the sandbox maps; anything else must stay as it was. */
function unmappedSpec(spec: Json | undefined): Json {
  const s = structuredClone(obj(spec));
  delete s.replicas;
  const t = obj(s.template);
  delete t.metadata;
  const containers = at(t, 'spec', 'containers');
  if (Array.isArray(containers) && containers.length === 1) {
    const c = obj(containers[0]);
    delete c.image;
    delete c.resources;
  }
  return s;
}

/** A Deployment's or StatefulSet's change, as remedies. */
export function workloadRemedies(service: string, before: K8sObject, after: K8sObject, d: ServiceDesired): Mapped {
  const causes: FieldCause[] = [];
  const remedies: Remedy[] = [];
  replicaChange(service, before, after, causes, remedies);
  if (!same(unmappedSpec(after.spec), unmappedSpec(before.spec))) {
    const containers = at(after, 'spec', 'template', 'spec', 'containers');
    if (!Array.isArray(containers) || containers.length !== 1) causes.push(forbidden('spec.template.spec.containers', 'the sandbox runs exactly one container per pod'));
    else causes.push(forbidden('spec', 'the sandbox maps only replicas, the container image and resources, and the restartedAt annotation (see sim/README.md)'));
    return { ok: false, causes };
  }
  const image = at(after, 'spec', 'template', 'spec', 'containers', 0, 'image');
  if (!same(image, at(before, 'spec', 'template', 'spec', 'containers', 0, 'image'))) {
    const prefix = `${REGISTRY}/${service}:`;
    const tag = typeof image === 'string' && image.startsWith(prefix) ? image.slice(prefix.length) : '';
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) causes.push(invalid('spec.template.spec.containers[0].image', image, `must be ${prefix}<tag>`));
    else if (tag !== d.version) remedies.push({ action: 'rollback', service, to_version: tag });
  }
  const limitsPath = ['spec', 'template', 'spec', 'containers', 0, 'resources', 'limits'] as const;
  const mem = at(after, ...limitsPath, 'memory');
  const cpu = at(after, ...limitsPath, 'cpu');
  const resize: { memory_mb?: number; cpu_millis?: number } = {};
  if (!same(mem, at(before, ...limitsPath, 'memory'))) {
    const bytes = parseQuantity(mem);
    if (bytes === null || bytes < MB) causes.push(invalid('spec.template.spec.containers[0].resources.limits.memory', mem, 'must be a memory quantity of at least 1Mi, e.g. 512Mi or 2Gi'));
    else if (Math.round(bytes / MB) !== d.resources.memory_mb) resize.memory_mb = Math.round(bytes / MB);
  }
  if (!same(cpu, at(before, ...limitsPath, 'cpu'))) {
    const units = parseQuantity(cpu);
    if (units === null || units < 0.001) causes.push(invalid('spec.template.spec.containers[0].resources.limits.cpu', cpu, 'must be a cpu quantity, e.g. 500m or 2'));
    else if (Math.round(units * 1000) !== d.resources.cpu_millis) resize.cpu_millis = Math.round(units * 1000);
  }
  if (resize.memory_mb !== undefined || resize.cpu_millis !== undefined) remedies.push({ action: 'resize', service, ...resize });
  const restartedAt = at(after, 'spec', 'template', 'metadata', 'annotations', RESTARTED_AT);
  // only a new value restarts: an undo that drops the annotation does not
  if (restartedAt !== undefined && restartedAt !== null && !same(restartedAt, at(before, 'spec', 'template', 'metadata', 'annotations', RESTARTED_AT))) {
    if (typeof restartedAt !== 'string') causes.push(invalid(`spec.template.metadata.annotations[${RESTARTED_AT}]`, restartedAt, 'must be a string'));
    else remedies.push({ action: 'restart', service });
  }
  return causes.length ? { ok: false, causes } : { ok: true, remedies };
}

function replicaChange(service: string, before: K8sObject, after: K8sObject, causes: FieldCause[], remedies: Remedy[]): void {
  const replicas = at(after, 'spec', 'replicas');
  if (same(replicas, at(before, 'spec', 'replicas'))) return;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas)) causes.push(invalid('spec.replicas', replicas, 'must be an integer'));
  else if (replicas < 0) causes.push(invalid('spec.replicas', replicas, 'must be greater than or equal to 0'));
  else if (replicas < 1 || replicas > 64) causes.push(invalid('spec.replicas', replicas, 'the sandbox runs 1 to 64 replicas of a service'));
  else remedies.push({ action: 'scale', service, replicas });
}

/** A replica count on the scale subresource (autoscaling/v1 Scale), as a remedy. */
export function scaleRemedies(service: string, before: K8sObject, after: K8sObject): Mapped {
  const causes: FieldCause[] = [];
  const remedies: Remedy[] = [];
  replicaChange(service, before, after, causes, remedies);
  return causes.length ? { ok: false, causes } : { ok: true, remedies };
}

/** The scalar a ConfigMap string means, typed like the value it replaces. */
function typed(v: string, like: Scalar | undefined): Scalar {
  if (typeof like === 'number' || (like === undefined && /^-?\d+(\.\d+)?$/.test(v))) return Number.isFinite(Number(v)) ? Number(v) : v;
  if (typeof like === 'boolean' || (like === undefined && (v === 'true' || v === 'false'))) return v === 'true' ? true : v === 'false' ? false : v;
  return v;
}

/** `<svc>-config` → config_set, `<svc>-flags` → flag_set, per changed key. */
export function configMapRemedies(service: string, which: 'config' | 'flags', before: K8sObject, after: K8sObject, d: ServiceDesired): Mapped {
  const causes: FieldCause[] = [];
  const remedies: Remedy[] = [];
  const old = obj(before.data);
  const data = obj(after.data);
  if (after.binaryData !== undefined && !same(after.binaryData, before.binaryData)) causes.push(forbidden('binaryData', 'the sandbox keeps text data only'));
  for (const k of Object.keys(old)) if (!(k in data)) causes.push(forbidden(`data[${k}]`, 'the sandbox cannot delete a key; set it to the value you want'));
  for (const [k, v] of Object.entries(data)) {
    if (typeof v !== 'string') {
      causes.push(invalid(`data[${k}]`, v, 'must be a string'));
      continue;
    }
    if (!/^[-._a-zA-Z0-9]+$/.test(k)) causes.push(invalid(`data[${k}]`, k, "a valid config key must consist of alphanumeric characters, '-', '_' or '.'"));
    if (old[k] === v) continue;
    const current = which === 'config' ? d.config[k] : d.flags[k];
    remedies.push(which === 'config' ? { action: 'config_set', service, key: k, value: typed(v, current) } : { action: 'flag_set', service, flag: k, value: typed(v, current) });
  }
  return causes.length ? { ok: false, causes } : { ok: true, remedies };
}

/** A PVC's requested storage, as a volume expansion (it can only grow). */
export function pvcRemedies(service: string, before: K8sObject, after: K8sObject): Mapped {
  const path = ['spec', 'resources', 'requests', 'storage'] as const;
  const q = at(after, ...path);
  const rest = (o: K8sObject) => {
    const s = structuredClone(obj(o.spec));
    delete obj(s.resources).requests;
    return s;
  };
  if (!same(rest(after), rest(before))) return { ok: false, causes: [forbidden('spec', 'spec is immutable after creation except resources.requests for bound claims')] };
  if (same(q, at(before, ...path))) return { ok: true, remedies: [] };
  const bytes = parseQuantity(q);
  if (bytes === null || bytes <= 0) return { ok: false, causes: [invalid('spec.resources.requests.storage', q, 'must be a storage quantity, e.g. 200Gi')] };
  const oldBytes = parseQuantity(at(before, ...path)) ?? 0;
  if (bytes < oldBytes) return { ok: false, causes: [forbidden('spec.resources.requests.storage', 'field can not be less than previous value')] };
  return { ok: true, remedies: [{ action: 'expand_disk', service, disk_gb: Math.ceil(bytes / GB) }] };
}
