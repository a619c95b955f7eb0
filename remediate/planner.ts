/**
 * Drafts a fix plan for an incident. The thin end-to-end path drafts one step: roll back the
 * service when a deploy of it preceded the incident, otherwise restart it. The remediation issue
 * replaces this with the fix catalog; the plan shape stays.
 */
import type { FixPlan, FixStep, Incident, Signal } from '../core/schemas.js';

export interface PlanDraft {
  title: string;
  risk: FixPlan['risk'];
  steps: FixStep[];
}

/** How far back a deploy counts as a suspect for the incident. */
const DEPLOY_LOOKBACK_MS = 60 * 60 * 1000;

/** Kubernetes names: lowercase alphanumerics and dashes. Anything else is refused, never quoted into a command. */
const K8S_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function draftPlan(incident: Incident, recentChanges: Signal[], namespace = 'default'): PlanDraft {
  const service = incident.service;
  if (!K8S_NAME.test(service) || !K8S_NAME.test(namespace)) {
    throw new Error(`"${service}" in "${namespace}" is not a valid Kubernetes name`);
  }
  const started = Date.parse(incident.startedAt);
  const deploy = recentChanges
    .filter((s) => s.kind === 'deploy' && (s.labels.service ?? s.key) === service)
    .filter((s) => Date.parse(s.ts) <= started && started - Date.parse(s.ts) <= DEPLOY_LOOKBACK_MS)
    .sort((a, b) => Date.parse(b.ts) - Date.parse(a.ts))[0];

  if (deploy) {
    const version = deploy.labels.version ?? String(deploy.meta.version ?? 'the previous version');
    return {
      title: `Roll back ${service} (deploy ${version} preceded the incident)`,
      risk: 'medium',
      steps: [
        {
          action: 'rollback',
          target: service,
          params: { namespace, deploySignalId: deploy.id },
          command: `kubectl rollout undo deployment/${service} -n ${namespace}`,
        },
      ],
    };
  }
  return {
    title: `Restart ${service}`,
    risk: 'low',
    steps: [
      {
        action: 'restart',
        target: service,
        params: { namespace },
        command: `kubectl rollout restart deployment/${service} -n ${namespace}`,
      },
    ],
  };
}
