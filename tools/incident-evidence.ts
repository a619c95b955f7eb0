/** incident_evidence: the evidence rows stored for an incident, oldest first (its timeline). */
import { z } from 'zod';
import { isAppError } from '../core/errors.js';
import { EVIDENCE_KINDS } from '../core/schemas.js';
import { incidentEvidence } from '../usecases/incidents.js';
import { evidenceCitation, evidenceView, incidentCitation, incidentView, unknownIncidentError } from './incident-view.js';
import { type AgentTool, noData, ok, toolError } from './types.js';

const schema = z.object({
  incidentId: z.string().min(1).max(128).describe('The incident id. Call list_incidents first if you do not have it.'),
  kind: z.enum(EVIDENCE_KINDS).optional().describe('Only evidence of this kind (e.g. "change" for deploys and flag flips); omit for all.'),
});

export const incidentEvidenceTool: AgentTool<typeof schema> = {
  name: 'incident_evidence',
  description:
    'The evidence stored for an incident, oldest first: anomalies, log clusters, changes (deploys, flags), metric deltas, topology paths, notes. Use it for "what happened", timeline and "what changed" questions (kind "change"). Each row has an id to cite. Needs the incident id: call list_incidents first if you do not have it.',
  schema,
  async handler(ctx, { incidentId, kind }) {
    try {
      const { incident, evidence } = await incidentEvidence(ctx.session, incidentId);
      const rows = kind ? evidence.filter((e) => e.kind === kind) : evidence;
      const data = { incident: incidentView(incident), evidence: rows.map(evidenceView) };
      const citations = [incidentCitation(incident), ...rows.map(evidenceCitation)];
      return rows.length ? ok(data, citations) : noData(data, citations);
    } catch (e) {
      if (isAppError(e) && e.code === 'not_found') return toolError(await unknownIncidentError(ctx, incidentId));
      throw e;
    }
  },
};
