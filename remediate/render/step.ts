/**
 * What a fix step changes, read from its typed params (never from its `command` text): the one
 * shape every renderer (kubectl, Helm, Terraform, Ansible, SQL) starts from. Names and values are
 * checked with the rules of remediate/commands.ts, so a hostile value (`; rm -rf /`, quotes,
 * newlines, `{{ }}`) throws UnsafeNameError before any text is generated.
 */
import { z } from 'zod';
import type { FixStep } from '../../core/schemas.js';
import { safe } from '../commands.js';

/** A config or flag value as the catalog records it (`false`, 6000, "on"): always written as a string. */
const Value = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const Int = z.number().int();
/** The value a config key or flag has now; null: it is unset (the rollback removes it). */
const Before = Value.nullable().optional();

/**
 * The params each action needs (the catalog's typed params; extra keys such as `change_id` are
 * kept on the step but ignored here). `from_*` is the value the step replaces, when recorded: a
 * rollback is rendered from it.
 */
export const STEP_PARAMS = {
  rollback: z.object({ to_version: z.string().optional(), from_version: z.string().optional(), to_revision: Int.optional(), image: z.string().optional(), container: z.string().optional() }),
  restart: z.object({ instance: z.string().optional() }),
  rollout_pause: z.object({}),
  scale: z.object({ replicas: Int, from_replicas: Int.optional() }),
  resize: z.object({ memory_mb: Int, from_memory_mb: Int.optional() }),
  flag_off: z.object({ flag: z.string(), from_value: Before }),
  flag_set: z.object({ flag: z.string(), value: Value, from_value: Before }),
  config_revert: z.object({ key: z.string(), to_value: Value, from_value: Before }),
  config_set: z.object({ key: z.string(), value: Value, from_value: Before }),
  expand_disk: z.object({ disk_gb: Int, from_disk_gb: Int.optional(), claim: z.string().optional() }),
  renew_certificate: z.object({ certificate: z.string().optional() }),
  add_index: z.object({ table: z.string(), column: z.string() }),
} as const;

export type StepAction = keyof typeof STEP_PARAMS;
export const STEP_ACTIONS = Object.keys(STEP_PARAMS) as StepAction[];

/** Other spellings planners and runners use for the same actions. */
const ALIASES: Record<string, StepAction> = { undo: 'rollback', rollout_undo: 'rollback', rollout_restart: 'restart', pause: 'rollout_pause', resize_volume: 'expand_disk', create_index: 'add_index', renew_cert: 'renew_certificate' };

export const canonicalAction = (action: string): StepAction | null => (action in STEP_PARAMS ? (action as StepAction) : (ALIASES[action] ?? null));

interface Workload {
  service: string;
  namespace: string;
}

/** The change a step makes, typed. `from` undefined: not recorded; null (config keys): the key was unset. */
export type StepChange =
  /** `repo` (the image repository, no tag) and `container`: a rollback to a version by `set image` rather than the revision history. */
  | (Workload & { kind: 'image'; to?: string; from?: string; toRevision?: number; repo?: string; container?: string })
  | (Workload & { kind: 'restart'; pod?: string })
  | (Workload & { kind: 'pause' })
  | (Workload & { kind: 'replicas'; to: number; from?: number })
  | (Workload & { kind: 'memory'; toMb: number; fromMb?: number })
  | (Workload & { kind: 'configmap'; map: 'flags' | 'config'; key: string; to: string; from?: string | null })
  | (Workload & { kind: 'disk'; claim: string; toGb: number; fromGb?: number })
  | (Workload & { kind: 'certificate'; certificate: string })
  | { kind: 'index'; service: string; table: string; column: string };

/** A step whose action is unknown or whose params do not fit it: the reason names the field. */
export class StepParamsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StepParamsError';
  }
}

function paramsOf<A extends StepAction>(action: A, params: unknown): z.output<(typeof STEP_PARAMS)[A]> {
  const r = STEP_PARAMS[action].safeParse(params ?? {});
  if (!r.success) throw new StepParamsError(`${action}: ${r.error.issues.map((i) => `params.${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data as z.output<(typeof STEP_PARAMS)[A]>;
}

const opt = <T>(v: T | undefined, check: (v: T) => T): T | undefined => (v === undefined ? undefined : check(v));

/**
 * The typed change of a step; `namespace` when its params carry none. Throws StepParamsError
 * (unknown action, missing or mistyped param) or UnsafeNameError (a name or value no generator
 * may write).
 */
export function stepChange(step: Pick<FixStep, 'action' | 'target' | 'params'>, namespace = 'default'): StepChange {
  const action = canonicalAction(step.action);
  if (!action) throw new StepParamsError(`unknown action "${step.action}" (one of: ${STEP_ACTIONS.join(', ')})`);
  const raw = (step.params ?? {}) as Record<string, unknown>;
  const w: Workload = {
    service: safe.k8sName('service', step.target),
    namespace: safe.k8sName('namespace', typeof raw.namespace === 'string' ? raw.namespace : namespace),
  };
  const value = (v: string) => safe.value('value', v);
  const before = (v: string | null | undefined) => (v === null ? null : opt(v, value));
  switch (action) {
    case 'rollback': {
      const p = paramsOf(action, raw);
      const tag = (v: string) => safe.imageTag('version', v);
      const image = { ...(p.image === undefined ? {} : { repo: safe.imageRepo('image', p.image) }), ...(p.container === undefined ? {} : { container: safe.k8sName('container', p.container) }) };
      return { ...w, kind: 'image', to: opt(p.to_version, tag), from: opt(p.from_version, tag), toRevision: opt(p.to_revision, (n) => safe.positiveInt('revision', n, 1_000_000)), ...image };
    }
    case 'restart': {
      const p = paramsOf(action, raw);
      return { ...w, kind: 'restart', pod: opt(p.instance, (v) => safe.k8sName('pod', v)) };
    }
    case 'rollout_pause':
      return { ...w, kind: 'pause' };
    case 'scale': {
      const p = paramsOf(action, raw);
      const n = (v: number) => safe.positiveInt('replicas', v, 256);
      return { ...w, kind: 'replicas', to: n(p.replicas), from: opt(p.from_replicas, n) };
    }
    case 'resize': {
      const p = paramsOf(action, raw);
      const mb = (v: number) => safe.positiveInt('memory (MiB)', v, 1_048_576);
      return { ...w, kind: 'memory', toMb: mb(p.memory_mb), fromMb: opt(p.from_memory_mb, mb) };
    }
    case 'flag_off':
    case 'flag_set': {
      const p = paramsOf(action, raw) as { flag: string; value?: string; from_value?: string | null };
      return { ...w, kind: 'configmap', map: 'flags', key: safe.configKey('flag', p.flag), to: value(action === 'flag_off' ? 'false' : p.value!), from: before(p.from_value) };
    }
    case 'config_revert':
    case 'config_set': {
      const p = paramsOf(action, raw) as { key: string; to_value?: string; value?: string; from_value?: string | null };
      return { ...w, kind: 'configmap', map: 'config', key: safe.configKey('config key', p.key), to: value((p.to_value ?? p.value)!), from: before(p.from_value) };
    }
    case 'expand_disk': {
      const p = paramsOf(action, raw);
      const gb = (v: number) => safe.positiveInt('size (GiB)', v, 65_536);
      return { ...w, kind: 'disk', claim: safe.k8sName('volume claim', p.claim ?? `data-${w.service}-0`), toGb: gb(p.disk_gb), fromGb: opt(p.from_disk_gb, gb) };
    }
    case 'renew_certificate': {
      const p = paramsOf(action, raw);
      return { ...w, kind: 'certificate', certificate: safe.k8sName('certificate', p.certificate ?? `${w.service}-tls`) };
    }
    case 'add_index': {
      const p = paramsOf(action, raw);
      return { kind: 'index', service: w.service, table: safe.sqlIdent('table', p.table), column: safe.sqlIdent('column', p.column) };
    }
  }
}
