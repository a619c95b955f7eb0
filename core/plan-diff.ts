/**
 * The change a fix plan makes to the desired state, as a unified diff a person reads on the plan
 * card ("Script diff"): for each step that changes a spec, the field before and after, from the
 * values the fix catalog recorded on the step (`from_*` what it assumed live, the new value).
 * Steps that change no spec (a restart, deleting a pod, renewing a certificate, an index) and
 * steps whose values were not recorded show nothing rather than a guess.
 */
import type { FixStep } from './schemas.js';

interface FieldChange {
  object: string;
  field: string;
  from: string;
  to: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);

/** The one field a step changes, or null (no spec change, or its before/after was not recorded). */
function changeOf(step: FixStep): FieldChange | null {
  const p = (step.params ?? {}) as Record<string, unknown>;
  const svc = step.target;
  const pair = (object: string, field: string, from: unknown, to: unknown): FieldChange | null => {
    const f = str(from);
    const t = str(to);
    return f !== undefined && t !== undefined && f !== t ? { object, field, from: f, to: t } : null;
  };
  switch (step.action) {
    case 'rollback':
    case 'rollout_undo':
    case 'undo':
      return pair(`deployment/${svc}`, 'version', p.from_version, p.to_version);
    case 'scale':
      return pair(`deployment/${svc}`, 'replicas', p.from_replicas, p.replicas);
    case 'resize':
      return pair(`deployment/${svc}`, 'resources.limits.memory', p.from_memory_mb === undefined ? undefined : `${str(p.from_memory_mb)}Mi`, p.memory_mb === undefined ? undefined : `${str(p.memory_mb)}Mi`);
    case 'expand_disk':
    case 'resize_volume':
      return pair(`persistentvolumeclaim/data-${svc}-0`, 'resources.requests.storage', p.from_disk_gb === undefined ? undefined : `${str(p.from_disk_gb)}Gi`, p.disk_gb === undefined ? undefined : `${str(p.disk_gb)}Gi`);
    case 'flag_off':
      return pair(`configmap/${svc}-flags`, String(p.flag), p.from_value, false);
    case 'flag_set':
      return pair(`configmap/${svc}-flags`, String(p.flag), p.from_value, p.value);
    case 'config_revert':
    case 'config_set':
      return pair(`configmap/${svc}-config`, String(p.key), p.from_value, p.to_value ?? p.value);
    default:
      return null;
  }
}

/** A unified diff of the plan's spec changes (one hunk per object), or undefined when it changes none. */
export function planDiff(steps: readonly FixStep[]): string | undefined {
  const byObject = new Map<string, FieldChange[]>();
  for (const s of steps) {
    const c = changeOf(s);
    if (!c) continue;
    byObject.set(c.object, [...(byObject.get(c.object) ?? []), c]);
  }
  if (byObject.size === 0) return undefined;
  const out: string[] = [];
  for (const [object, changes] of byObject) {
    out.push(`--- ${object} (now)`, `+++ ${object} (after the fix)`, `@@ ${changes.length} field${changes.length > 1 ? 's' : ''} @@`);
    for (const c of changes) out.push(`-${c.field}: ${c.from}`, `+${c.field}: ${c.to}`);
  }
  return out.join('\n');
}
