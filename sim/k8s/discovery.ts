/**
 * The Kubernetes API's fixed documents: `Status` errors as the API server writes them, and the
 * discovery documents (/version, /api, /apis, the resource lists) clients such as kubectl read
 * before anything else. Pure data.
 */
import type { Json } from './patch.js';
import type { FieldCause } from './remedies.js';

export interface K8sResponse {
  status: number;
  body: Json;
}

const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  503: 'ServiceUnavailable',
};

/** A `Status` failure; `details` names the object (and, for 422, the field causes). */
export function statusError(code: number, message: string, details?: { name?: string; group?: string; kind?: string; causes?: FieldCause[] }): K8sResponse {
  const body: Json = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: REASONS[code] ?? 'InternalError', code };
  if (details) body.details = JSON.parse(JSON.stringify(details)) as Json;
  return { status: code, body };
}

/** The group/resource words of an error message ("deployments.apps"). */
export const groupResource = (resource: string, group: string) => (group ? `${resource}.${group}` : resource);

export const notFound = (resource: string, group: string, name: string): K8sResponse => statusError(404, `${groupResource(resource, group)} "${name}" not found`, { name, group, kind: resource });

export const conflict = (resource: string, group: string, name: string): K8sResponse =>
  statusError(409, `Operation cannot be fulfilled on ${groupResource(resource, group)} "${name}": the object has been modified; please apply your changes to the latest version and try again`, { name, group, kind: resource });

export function invalidSpec(kind: string, group: string, name: string, causes: FieldCause[]): K8sResponse {
  const msg = causes.map((c) => `${c.field}: ${c.message}`).join(', ');
  return statusError(422, `${kind}.${group || 'core'} "${name}" is invalid: ${msg}`, { name, group, kind, causes });
}

interface Res {
  name: string;
  kind: string;
  verbs: string[];
  short?: string[];
  group?: string;
  version?: string;
}

const CORE: Res[] = [
  { name: 'pods', kind: 'Pod', verbs: ['get', 'list', 'delete'], short: ['po'] },
  { name: 'configmaps', kind: 'ConfigMap', verbs: ['get', 'list', 'patch'], short: ['cm'] },
  { name: 'secrets', kind: 'Secret', verbs: ['get', 'list', 'delete'] },
  { name: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim', verbs: ['get', 'list', 'patch'], short: ['pvc'] },
  { name: 'events', kind: 'Event', verbs: ['get', 'list'], short: ['ev'] },
  { name: 'namespaces', kind: 'Namespace', verbs: ['get', 'list'], short: ['ns'] },
];
const APPS: Res[] = [
  { name: 'deployments', kind: 'Deployment', verbs: ['get', 'list', 'patch'], short: ['deploy'] },
  { name: 'deployments/scale', kind: 'Scale', verbs: ['get', 'patch', 'update'], group: 'autoscaling', version: 'v1' },
  { name: 'statefulsets', kind: 'StatefulSet', verbs: ['get', 'list', 'patch'], short: ['sts'] },
  { name: 'statefulsets/scale', kind: 'Scale', verbs: ['get', 'patch', 'update'], group: 'autoscaling', version: 'v1' },
  { name: 'replicasets', kind: 'ReplicaSet', verbs: ['get', 'list'], short: ['rs'] },
];

const resourceList = (groupVersion: string, list: Res[]): Json => ({
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion,
  resources: list.map((r) => ({
    name: r.name,
    singularName: r.name.includes('/') ? '' : r.kind.toLowerCase(),
    namespaced: r.name !== 'namespaces',
    kind: r.kind,
    verbs: r.verbs,
    ...(r.short ? { shortNames: r.short } : {}),
    ...(r.group ? { group: r.group, version: r.version } : {}),
  })),
});

/** The discovery document at `path`, or null. */
export function discovery(path: string): Json | null {
  switch (path) {
    case '/version':
      return { major: '1', minor: '30', gitVersion: 'v1.30.0-warroom-sandbox', gitCommit: '0000000000000000000000000000000000000000', gitTreeState: 'clean', buildDate: '2026-01-01T00:00:00Z', goVersion: 'go1.22', compiler: 'gc', platform: 'linux/amd64' };
    case '/api':
      return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '' }] };
    case '/apis':
      return {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: [{ name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } }],
      };
    case '/api/v1':
      return resourceList('v1', CORE);
    case '/apis/apps':
      return { kind: 'APIGroup', apiVersion: 'v1', name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } };
    case '/apis/apps/v1':
      return resourceList('apps/v1', APPS);
    default:
      return null;
  }
}
