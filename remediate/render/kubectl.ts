/** kubectl: the typed builders of remediate/commands.ts, fed from the step's typed change. */
import { kubectl, sql, type Rendered } from '../commands.js';
import type { StepChange } from './step.js';
import { unavailable, type RenderResult } from './types.js';

export function renderKubectl(c: StepChange): RenderResult {
  const r = rendered(c);
  return r ? { format: 'kubectl', change: r.command, rollback: r.rollback } : unavailable('kubectl', 'an index is a database change, not a Kubernetes one: see the sql format');
}

/** The kubectl command of a change (null for a database change), also what a manual plan's step runs. */
export function kubectlOf(c: StepChange): Rendered | null {
  return c.kind === 'index' ? null : rendered(c);
}

/** The command a step carries: kubectl, or the SQL of a database change. */
export function commandOf(c: StepChange): Rendered {
  return c.kind === 'index' ? sql.createIndex(c.table, c.column) : rendered(c)!;
}

function rendered(c: StepChange): Rendered | null {
  switch (c.kind) {
    case 'image':
      // a version and its image repository: set that image (the revision history may be pruned); else undo the rollout
      return c.repo !== undefined && c.to !== undefined && c.toRevision === undefined ? kubectl.setImage(c, c.container ?? c.service, c.repo, c.to, c.from) : kubectl.rolloutUndo(c, c.toRevision);
    case 'restart':
      return c.pod ? kubectl.deletePod(c, c.pod) : kubectl.rolloutRestart(c);
    case 'pause':
      return kubectl.rolloutPause(c);
    case 'replicas':
      // an unrecorded count: the rollback cannot name it, so it says so rather than guess
      return c.from === undefined ? { command: kubectl.scale(c, c.to, c.to).command, rollback: '# the replica count before this step was not recorded: scale back by hand' } : kubectl.scale(c, c.to, c.from);
    case 'memory':
      return c.fromMb === undefined ? { command: kubectl.setMemory(c, c.toMb, c.toMb).command, rollback: '# the memory limit before this step was not recorded: set it back by hand' } : kubectl.setMemory(c, c.toMb, c.fromMb);
    case 'configmap': {
      const r = kubectl.patchConfigMap(c, c.map, c.key, c.to, c.from ?? null);
      return c.from === undefined ? { command: r.command, rollback: `# the value of ${c.key} before this step was not recorded: set it back by hand` } : r;
    }
    case 'disk':
      return kubectl.resizeVolume(c, c.claim, c.toGb);
    case 'certificate':
      return kubectl.renewCertificate(c, c.certificate);
    case 'index':
      return null;
  }
}
