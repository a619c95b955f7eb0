import { describe, expect, it } from 'vitest';
import { identifierParts, splitIdentifiers, stem, terms, words } from './text.js';

describe('identifier splitting', () => {
  it.each([
    ['KubePodCrashLooping', ['Kube', 'Pod', 'Crash', 'Looping']],
    ['HTTPRequestsTotal', ['HTTP', 'Requests', 'Total']],
    ['kube_pod_status_ready', ['kube', 'pod', 'status', 'ready']],
    ['kube-state-metrics', ['kube', 'state', 'metrics']],
    ['etcdGRPCReadRequestsSlow', ['etcd', 'GRPC', 'Read', 'Requests', 'Slow']],
    ['plain', ['plain']],
  ])('%s', (tok, parts) => {
    expect(identifierParts(tok)).toEqual(parts);
  });

  it('keeps the original token and adds its words', () => {
    expect(splitIdentifiers('alert AlertmanagerFailedReload fired')).toBe('alert AlertmanagerFailedReload Alertmanager Failed Reload fired');
    expect(words('The `KubeletDown` alert')).toEqual(['the', 'kubeletdown', 'kubelet', 'down', 'alert']);
  });
});

describe('stemming and terms', () => {
  it.each([
    ['reloading', 'reload'],
    ['reloads', 'reload'],
    ['reloaded', 'reload'],
    ['failed', 'fail'],
    ['failures', 'failur'],
    ['running', 'run'],
    ['replicas', 'replica'],
    ['policies', 'polici'],
    ['notifications', 'notific'],
    ['pod', 'pod'],
    ['k8s', 'k8s'],
  ])('%s → %s', (w, s) => {
    expect(stem(w)).toBe(s);
  });

  it('drops stop words and stems the rest', () => {
    expect(terms('The pod is crash looping in the cluster')).toEqual(['pod', 'crash', 'loop', 'clust']);
    expect(terms('')).toEqual([]);
  });
});
