/**
 * Typed command builders: every command a plan shows and a runner executes is rendered here from
 * validated names and numbers, never assembled from free text (a service name from a log line
 * cannot smuggle `; rm -rf /` into a step). Each builder returns the command and the one that
 * undoes it.
 */

/** Kubernetes object names (RFC 1123 labels): lowercase alphanumerics and dashes. */
const K8S_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** ConfigMap keys and flag names: letters, digits, `-`, `_`, `.`. */
const CONFIG_KEY = /^[A-Za-z0-9._-]{1,253}$/;
/** SQL identifiers we generate DDL for: lowercase snake case only. */
const SQL_IDENT = /^[a-z_][a-z0-9_]{0,62}$/;
/** Values we write into config and flags: no quotes, backslashes or control characters. */
const SAFE_VALUE = /^[A-Za-z0-9 ._:/@+-]{0,200}$/;
/** Image tags (the OCI distribution spec's tag grammar). */
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/**
 * Image repositories without tag or digest (the distribution reference grammar, lower case):
 * an optional registry host with port, then path components of lowercase alphanumerics joined by
 * `.`, `_`, `__` or dashes. `registry.example.com:5000/shop/payments`, `payments`.
 */
const IMAGE_REPO = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::[0-9]{1,5})?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
/** Longest image repository we write (the reference grammar caps a whole name at 255 characters). */
const IMAGE_REPO_MAX = 255;

export class UnsafeNameError extends Error {
  constructor(
    /** Which name or value was refused ("service", "flag value"…), for a reason that need not repeat it. */
    readonly what: string,
    value: string,
  ) {
    super(`${what} "${value}" is not a safe name for a command; nothing was generated`);
    this.name = 'UnsafeNameError';
  }
}

function check(re: RegExp, what: string, v: string): string {
  if (!re.test(v)) throw new UnsafeNameError(what, v);
  return v;
}
const name = (what: string, v: string) => check(K8S_NAME, what, v);
const imageRepo = (what: string, v: string): string => {
  if (v.length > IMAGE_REPO_MAX) throw new UnsafeNameError(what, `${v.slice(0, 40)}…`);
  return check(IMAGE_REPO, what, v);
};
const positiveInt = (what: string, v: number, max: number): number => {
  if (!Number.isInteger(v) || v < 1 || v > max) throw new UnsafeNameError(what, String(v));
  return v;
};

/**
 * The validators every generator uses (remediate/render/ renders Helm, Terraform, Ansible and SQL
 * with the same rules): each returns the value unchanged or throws UnsafeNameError.
 */
export const safe = {
  k8sName: name,
  configKey: (what: string, v: string) => check(CONFIG_KEY, what, v),
  sqlIdent: (what: string, v: string) => check(SQL_IDENT, what, v),
  value: (what: string, v: string) => check(SAFE_VALUE, what, v),
  imageTag: (what: string, v: string) => check(IMAGE_TAG, what, v),
  imageRepo: (what: string, v: string) => imageRepo(what, v),
  positiveInt,
};

export interface Rendered {
  command: string;
  rollback: string;
}

export interface Target {
  namespace: string;
  service: string;
}

const ns = (t: Target) => `-n ${name('namespace', t.namespace)}`;
const deploy = (t: Target) => `deployment/${name('service', t.service)}`;

export const kubectl = {
  rolloutUndo(t: Target, toRevision?: number): Rendered {
    const rev = toRevision === undefined ? '' : ` --to-revision=${positiveInt('revision', toRevision, 1_000_000)}`;
    return { command: `kubectl rollout undo ${deploy(t)}${rev} ${ns(t)}`, rollback: `kubectl rollout undo ${deploy(t)} ${ns(t)}` };
  },
  /**
   * Roll the deployment's container to an image version (`kubectl set image`): a rollback to a
   * version by name, not by the revision history (which a cluster may have pruned); its undo sets
   * the version it replaces back, or — when that was not recorded — undoes the rollout.
   * @example kubectl.setImage({ namespace: 'shop', service: 'payments' }, 'payments', 'registry.example.com/shop/payments', '1.42.0', '1.43.0')
   *   // kubectl set image deployment/payments payments=registry.example.com/shop/payments:1.42.0 -n shop
   */
  setImage(t: Target, container: string, repo: string, tag: string, fromTag?: string): Rendered {
    const c = name('container', container);
    const r = imageRepo('image', repo);
    const set = (v: string) => `kubectl set image ${deploy(t)} ${c}=${r}:${check(IMAGE_TAG, 'version', v)} ${ns(t)}`;
    return { command: set(tag), rollback: fromTag === undefined ? `kubectl rollout undo ${deploy(t)} ${ns(t)}` : set(fromTag) };
  },
  rolloutRestart(t: Target): Rendered {
    // a restart replaces pods with the same spec: nothing to undo
    return { command: `kubectl rollout restart ${deploy(t)} ${ns(t)}`, rollback: `# nothing to undo: a rolling restart keeps the same spec` };
  },
  deletePod(t: Target, pod: string): Rendered {
    return { command: `kubectl delete pod ${name('pod', pod)} ${ns(t)}`, rollback: `# nothing to undo: the ReplicaSet replaces the pod with the same spec` };
  },
  scale(t: Target, replicas: number, from: number): Rendered {
    return {
      command: `kubectl scale ${deploy(t)} --replicas=${positiveInt('replicas', replicas, 256)} ${ns(t)}`,
      rollback: `kubectl scale ${deploy(t)} --replicas=${positiveInt('replicas', from, 256)} ${ns(t)}`,
    };
  },
  setMemory(t: Target, memoryMb: number, fromMb: number): Rendered {
    const m = (mb: number) => `${positiveInt('memory (MiB)', mb, 1_048_576)}Mi`;
    return {
      command: `kubectl set resources ${deploy(t)} --limits=memory=${m(memoryMb)} ${ns(t)}`,
      rollback: `kubectl set resources ${deploy(t)} --limits=memory=${m(fromMb)} ${ns(t)}`,
    };
  },
  /** A ConfigMap key set (flags and config live in `<service>-flags` / `<service>-config`). */
  patchConfigMap(t: Target, map: 'flags' | 'config', key: string, value: string, previous: string | null): Rendered {
    const cm = `configmap/${name('service', t.service)}-${map}`;
    const k = check(CONFIG_KEY, `${map} key`, key);
    const v = check(SAFE_VALUE, `${map} value`, value);
    const set = (val: string) => `kubectl patch ${cm} ${ns(t)} --type merge -p '{"data":{"${k}":"${val}"}}'`;
    return {
      command: set(v),
      rollback: previous === null ? `kubectl patch ${cm} ${ns(t)} --type json -p '[{"op":"remove","path":"/data/${k}"}]'` : set(check(SAFE_VALUE, `${map} value`, previous)),
    };
  },
  resizeVolume(t: Target, claim: string, sizeGb: number): Rendered {
    const pvc = `pvc/${name('volume claim', claim)}`;
    return {
      command: `kubectl patch ${pvc} ${ns(t)} -p '{"spec":{"resources":{"requests":{"storage":"${positiveInt('size (GiB)', sizeGb, 65_536)}Gi"}}}}'`,
      // a PersistentVolumeClaim cannot shrink: the way back is a restore, not a patch
      rollback: `# a volume cannot shrink: nothing to undo (the extra space stays allocated)`,
    };
  },
  rolloutPause(t: Target): Rendered {
    return { command: `kubectl rollout pause ${deploy(t)} ${ns(t)}`, rollback: `kubectl rollout resume ${deploy(t)} ${ns(t)}` };
  },
  renewCertificate(t: Target, certificate: string): Rendered {
    return {
      command: `cmctl renew ${name('certificate', certificate)} ${ns(t)}`,
      rollback: `# nothing to undo: the previous certificate had expired`,
    };
  },
};

/** The index createIndex names (Postgres identifiers: at most 63 bytes). */
export const indexName = (table: string, column: string): string => `idx_${table}_${column}`.slice(0, 63);

export const sql = {
  createIndex(table: string, column: string): Rendered {
    const tb = check(SQL_IDENT, 'table', table);
    const col = check(SQL_IDENT, 'column', column);
    const idx = indexName(tb, col);
    return { command: `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${idx} ON ${tb} (${col});`, rollback: `DROP INDEX CONCURRENTLY IF EXISTS ${idx};` };
  },
};

export const isK8sName = (v: string): boolean => K8S_NAME.test(v);
