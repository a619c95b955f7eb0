/**
 * Helm: the change as a diff of the release's values file, and the reverse diff as its rollback.
 * The values layout assumed (the common chart skeleton `helm create` writes, plus two maps):
 *
 *   image.tag                  the version a rollback returns to
 *   replicaCount               replicas
 *   resources.limits.memory    e.g. "1536Mi"
 *   persistence.size           the data volume, e.g. "40Gi"
 *   flags.<name>               feature flags (rendered into the `<release>-flags` ConfigMap)
 *   config.<key>               configuration (rendered into the `<release>-config` ConfigMap)
 *
 * The release is named after the service. Restarts, pod deletions, certificate renewals and
 * indexes change no value: no rendering, with the reason.
 */
import type { StepChange } from './step.js';
import { quoted, unavailable, type RenderResult } from './types.js';
import { yamlKey } from './yaml.js';

interface ValueChange {
  path: string[];
  /** undefined: the key is absent on that side. */
  from: string | number | undefined;
  to: string | number | undefined;
}

const scalar = (v: string | number) => (typeof v === 'number' ? String(v) : quoted(v));

/** A unified diff of one value of `<service>/values.yaml`, its parents as context lines. */
function valuesDiff(service: string, v: ValueChange, after: string): string {
  const out = [`--- ${service}/values.yaml (now)`, `+++ ${service}/values.yaml (${after})`];
  const parents = v.path.slice(0, -1);
  parents.forEach((k, i) => out.push(` ${'  '.repeat(i)}${k}:`));
  const indent = '  '.repeat(parents.length);
  const key = yamlKey(v.path[v.path.length - 1]);
  if (v.from !== undefined) out.push(`-${indent}${key}: ${scalar(v.from)}`);
  if (v.to !== undefined) out.push(`+${indent}${key}: ${scalar(v.to)}`);
  return out.join('\n');
}

const said = (v: string | number | undefined) => (v === undefined ? '(unset)' : String(v));

function rendering(service: string, namespace: string, v: ValueChange): RenderResult {
  const dotted = v.path.join('.');
  const head = (from: ValueChange['from'], to: ValueChange['to']) =>
    `# helm values of release ${service} (namespace ${namespace}): ${dotted}: ${said(from)} → ${said(to)}\n# apply: helm upgrade ${service} <chart> -n ${namespace} --reuse-values -f <the values file after this diff>\n`;
  return {
    format: 'helm',
    change: head(v.from, v.to) + valuesDiff(service, v, 'after the fix'),
    rollback: head(v.to, v.from) + valuesDiff(service, { path: v.path, from: v.to, to: v.from }, 'after the rollback'),
  };
}

const notRecorded = (what: string) => unavailable('helm', `the plan did not record ${what}, which a values diff and its rollback need`);

export function renderHelm(c: StepChange): RenderResult {
  switch (c.kind) {
    case 'image':
      if (c.to === undefined) return notRecorded('the version to go back to (params.to_version)');
      if (c.from === undefined) return notRecorded('the version running now (params.from_version)');
      return rendering(c.service, c.namespace, { path: ['image', 'tag'], from: c.from, to: c.to });
    case 'replicas':
      return c.from === undefined ? notRecorded('the replica count now (params.from_replicas)') : rendering(c.service, c.namespace, { path: ['replicaCount'], from: c.from, to: c.to });
    case 'memory':
      return c.fromMb === undefined ? notRecorded('the memory limit now (params.from_memory_mb)') : rendering(c.service, c.namespace, { path: ['resources', 'limits', 'memory'], from: `${c.fromMb}Mi`, to: `${c.toMb}Mi` });
    case 'configmap':
      if (c.from === undefined) return notRecorded(`the value of ${c.key} now (params.from_value)`);
      return rendering(c.service, c.namespace, { path: [c.map, c.key], from: c.from ?? undefined, to: c.to });
    case 'disk': {
      if (c.fromGb === undefined) return notRecorded('the volume size now (params.from_disk_gb)');
      const r = rendering(c.service, c.namespace, { path: ['persistence', 'size'], from: `${c.fromGb}Gi`, to: `${c.toGb}Gi` });
      // a PersistentVolumeClaim cannot shrink: the reverse diff would be refused by the cluster
      return 'change' in r ? { ...r, rollback: '# a volume cannot shrink: nothing to undo (the extra space stays allocated)' } : r;
    }
    case 'pause':
      return unavailable('helm', 'pausing a rollout is no chart value: use the kubectl format (kubectl rollout pause)');
    case 'restart':
      return unavailable('helm', c.pod ? 'deleting one pod changes no chart value: use the kubectl format' : 'a restart changes no chart value: use the kubectl format (kubectl rollout restart)');
    case 'certificate':
      return unavailable('helm', 'renewing a certificate changes no chart value: use the kubectl format (cmctl renew)');
    case 'index':
      return unavailable('helm', 'an index is a database change: see the sql format');
  }
}
