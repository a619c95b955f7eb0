/**
 * The `kubernetes` runner of `warroom start` and the cluster it acts on. With `KUBECONFIG` set,
 * that file's cluster (its current context, and that context's namespace unless a plan names
 * one); kubectl's list form `a:b` is honoured, the first file's context winning. Without it,
 * this instance's own sandbox API (`/k8s`, namespace `shop`, api/k8s.ts), reached over HTTP like
 * any cluster so a fix goes through the same client, auth and Status errors as on a real one.
 *
 * Either way the runner serves the default org only (its cluster is that org's system, as the
 * sandbox is): a step of any other org is refused.
 *
 * For the sandbox it needs an API key of the default org with the admin scope (the facade's
 * changes need it). It issues one on its first step, kept only in this process (stored hashed,
 * audited as `apikey.created`, changes recorded as by user `kubernetes-runner`), and revokes the
 * one an earlier process issued, so restarts do not pile up keys.
 */
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { newApiKey } from '../core/api-keys.js';
import type { Runner, Store } from '../core/ports/index.js';
import { kubernetesRunner } from '../remediate/runners/kubernetes.js';
import { issueKey } from '../usecases/keys.js';
import { kubeconfigYaml } from './kubeconfig.js';
import { DEFAULT_ORG, type Config } from './config.js';
import { fastUlid } from './ids.js';

/** The name of the key the runner issues itself for the sandbox (one per process; its secret lives only there). */
export const KUBERNETES_RUNNER_KEY_NAME = 'kubernetes runner (one process)';

/** What the runner needs of the running instance (known once it listens and its store is open). */
export interface RunnerInstance {
  url(): string;
  store(): Store | undefined;
}

/** Loads a kubeconfig (`KUBECONFIG`, possibly `a:b`); throws naming the variable and the file. */
export function loadKubeconfig(value: string): k8s.KubeConfig {
  const files = value.split(path.delimiter).filter(Boolean);
  const kc = new k8s.KubeConfig();
  files.forEach((file, i) => {
    try {
      if (i === 0) return kc.loadFromFile(file);
      const more = new k8s.KubeConfig();
      more.loadFromFile(file);
      kc.mergeConfig(more, true);
    } catch (e) {
      throw new Error(`KUBECONFIG: cannot load ${file}: ${(e as Error).message}`, { cause: e });
    }
  });
  if (!kc.getCurrentCluster()) throw new Error(`KUBECONFIG: ${value} has no current context with a cluster`);
  return kc;
}

/** The sandbox's own API as a kubeconfig, with a key issued on first use (and again after a failure). */
export function sandboxKubeconfig(instance: RunnerInstance, owner = DEFAULT_ORG): () => Promise<k8s.KubeConfig> {
  let pending: Promise<k8s.KubeConfig> | undefined;
  const issue = async (): Promise<k8s.KubeConfig> => {
    const store = instance.store();
    if (!store) throw new Error('Warroom is still starting; try again in a few seconds');
    const key = newApiKey('wr');
    await store.forOrg(owner).transaction(async (tx) => {
      const old = await tx.revokeApiKeys({ name: KUBERNETES_RUNNER_KEY_NAME }, new Date().toISOString());
      if (old.length) await tx.appendAudit({ actor: 'platform', action: 'apikey.revoked', target: `apikey:${old.join(',')}`, payload: { reason: 'replaced by a new kubernetes runner key' } });
      await issueKey(tx, { keyId: fastUlid(), keyName: KUBERNETES_RUNNER_KEY_NAME, user: { id: 'kubernetes-runner', name: 'Kubernetes runner', role: 'sre' }, scopes: ['read', 'admin'] }, 'platform', key);
    });
    const kc = new k8s.KubeConfig();
    kc.loadFromString(kubeconfigYaml(`${instance.url()}/k8s`, key));
    return kc;
  };
  return () => {
    pending ??= issue().catch((e: unknown) => {
      pending = undefined;
      throw e;
    });
    return pending;
  };
}

/** The `kubernetes` runner for this instance: KUBECONFIG's cluster (loaded now: a bad file stops the start), else the sandbox's API. */
export function kubernetesRunnerFor(cfg: Pick<Config, 'KUBECONFIG'>, instance: RunnerInstance): Runner {
  if (cfg.KUBECONFIG) {
    const kc = loadKubeconfig(cfg.KUBECONFIG);
    return kubernetesRunner({ kubeConfig: async () => kc, owner: DEFAULT_ORG });
  }
  return kubernetesRunner({ kubeConfig: sandboxKubeconfig(instance), owner: DEFAULT_ORG });
}
