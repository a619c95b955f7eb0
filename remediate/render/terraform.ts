/**
 * Terraform: the attribute a step changes on a `kubernetes_*` resource of the hashicorp/kubernetes
 * provider, as an HCL snippet with the `terraform plan -target=…` line that previews it; the
 * rollback is the same snippet with the value it replaces. The layout assumed:
 *
 *   kubernetes_deployment.<service>                  replicas, paused, the container's image and memory limit
 *   kubernetes_config_map.<service>_config / _flags  data keys
 *   kubernetes_persistent_volume_claim.data_<service>_0   the data volume
 *
 * Resource names are the service's with `-` written `_`; the container is named after the service
 * and its image repository too (keep your own repository, change the tag). Restarts, pod
 * deletions, certificate renewals and indexes change no attribute: no rendering, with the reason.
 */
import type { StepChange } from './step.js';
import { quoted, unavailable, type RenderResult } from './types.js';

/** A Terraform identifier from a Kubernetes name (letters, digits, `_`; never a leading digit). */
const ident = (name: string) => (/^[0-9]/.test(name) ? `r_${name}` : name).replace(/-/g, '_');

interface Resource {
  type: 'kubernetes_deployment' | 'kubernetes_config_map' | 'kubernetes_persistent_volume_claim';
  name: string;
  metadata: { name: string; namespace: string };
  /** The nested blocks down to the attribute, e.g. ['spec']. */
  blocks: string[];
  /** The attribute lines inside the innermost block, for one side of the change. */
  body: (side: 'to' | 'from') => string[];
}

function snippet(r: Resource, side: 'to' | 'from'): string {
  const address = `${r.type}.${r.name}`;
  const lines = [`# terraform plan -target=${address}`, `resource "${r.type}" "${r.name}" {`, '  metadata {', `    name      = ${quoted(r.metadata.name)}`, `    namespace = ${quoted(r.metadata.namespace)}`, '  }'];
  r.blocks.forEach((b, i) => lines.push(`${'  '.repeat(i + 1)}${b} {`));
  const depth = r.blocks.length + 1;
  for (const l of r.body(side)) lines.push(`${'  '.repeat(depth)}${l}`);
  for (let i = r.blocks.length; i >= 1; i--) lines.push(`${'  '.repeat(i)}}`);
  lines.push('}');
  return lines.join('\n');
}

const both = (r: Resource): RenderResult => ({ format: 'terraform', change: snippet(r, 'to'), rollback: snippet(r, 'from') });
const notRecorded = (what: string) => unavailable('terraform', `the plan did not record ${what}, which the rollback snippet needs`);

function deployment(c: { service: string; namespace: string }, blocks: string[], body: Resource['body']): Resource {
  return { type: 'kubernetes_deployment', name: ident(c.service), metadata: { name: c.service, namespace: c.namespace }, blocks, body };
}

const CONTAINER = ['spec', 'template', 'spec', 'container'];

export function renderTerraform(c: StepChange): RenderResult {
  switch (c.kind) {
    case 'image': {
      const { to, from } = c;
      if (to === undefined) return unavailable('terraform', 'the plan did not record the version to go back to (params.to_version): a Terraform image attribute needs it; use the kubectl format (rollout undo)');
      if (from === undefined) return notRecorded('the version running now (params.from_version)');
      return both(deployment(c, CONTAINER, (s) => [`name  = ${quoted(c.service)}`, `image = ${quoted(`${c.service}:${s === 'to' ? to : from}`)}`]));
    }
    case 'replicas': {
      const { to, from } = c;
      return from === undefined ? notRecorded('the replica count now (params.from_replicas)') : both(deployment(c, ['spec'], (s) => [`replicas = ${s === 'to' ? to : from}`]));
    }
    case 'pause':
      return both(deployment(c, ['spec'], (s) => [`paused = ${s === 'to'}`]));
    case 'memory': {
      const { toMb, fromMb } = c;
      if (fromMb === undefined) return notRecorded('the memory limit now (params.from_memory_mb)');
      return both(deployment(c, [...CONTAINER], (s) => [`name = ${quoted(c.service)}`, 'resources {', `  limits = { memory = ${quoted(`${s === 'to' ? toMb : fromMb}Mi`)} }`, '}']));
    }
    case 'configmap': {
      const { key, to, from } = c;
      if (from === undefined) return notRecorded(`the value of ${key} now (params.from_value)`);
      const name = `${c.service}-${c.map}`;
      const r: Resource = {
        type: 'kubernetes_config_map',
        name: ident(name),
        metadata: { name, namespace: c.namespace },
        blocks: [],
        // only the key the step changes is shown: keep the map's other keys as they are
        body: (s) => (s === 'from' && from === null ? [`# remove ${quoted(key)} from data (it was unset before the fix)`] : [`data = { ${quoted(key)} = ${quoted(s === 'to' ? to : from!)} } # other keys unchanged`]),
      };
      return both(r);
    }
    case 'disk': {
      const r: Resource = { type: 'kubernetes_persistent_volume_claim', name: ident(c.claim), metadata: { name: c.claim, namespace: c.namespace }, blocks: ['spec', 'resources'], body: () => [`requests = { storage = ${quoted(`${c.toGb}Gi`)} }`] };
      return { format: 'terraform', change: snippet(r, 'to'), rollback: '# a volume cannot shrink: nothing to undo (the extra space stays allocated)' };
    }
    case 'restart':
      return unavailable('terraform', c.pod ? 'deleting one pod changes no Terraform attribute: use the kubectl format' : 'a restart changes no Terraform attribute: use the kubectl format (kubectl rollout restart)');
    case 'certificate':
      return unavailable('terraform', 'renewing a certificate changes no Terraform attribute: use the kubectl format (cmctl renew)');
    case 'index':
      return unavailable('terraform', 'an index is a database change: see the sql format');
  }
}
