/** root_cause: the stored, ranked root-cause hypotheses of an incident with the evidence behind each. */
import { z } from 'zod';
import { isAppError } from '../core/errors.js';
import { incidentEvidence } from '../usecases/incidents.js';
import { evidenceCitation, hypothesisCitation, incidentCitation, incidentView, unknownIncidentError } from './incident-view.js';
import { type AgentTool, noData, ok, toolError } from './types.js';

const schema = z.object({
  incidentId: z.string().min(1).max(128).describe('The incident id. Call list_incidents first if you do not have it.'),
  service: z.string().min(1).max(200).optional().describe('Only hypotheses about this service, plus why other services were ruled out; for "why (not) service X?" questions.'),
});

export const rootCauseTool: AgentTool<typeof schema> = {
  name: 'root_cause',
  description:
    'The root-cause hypotheses stored for an incident, best first: statement, confidence (computed by code, 0–1), suspected service and change, the evidence rows that support each, counter-evidence, and why other services were ruled out. Use it for "why", "root cause" and "why not service X" questions. It reads what analysis stored; an empty result means the incident has not been analyzed yet.',
  schema,
  async handler(ctx, { incidentId, service }) {
    try {
      const { incident, evidence, hypotheses } = await incidentEvidence(ctx.session, incidentId);
      const byId = new Map(evidence.map((e) => [e.id, e]));
      const want = service?.toLowerCase();
      const picked = want ? hypotheses.filter((h) => h.service?.toLowerCase() === want) : hypotheses;
      const rows = picked.map((h) => ({
        id: h.id,
        rank: h.rank,
        statement: h.statement,
        confidence: h.confidence,
        service: h.service,
        changeId: h.changeId,
        evidence: h.evidenceIds.flatMap((id) => (byId.has(id) ? [{ id, kind: byId.get(id)!.kind, summary: byId.get(id)!.summary }] : [])),
        counterEvidence: h.counterEvidence,
      }));
      // Why-not lives on the hypotheses that ruled the other services out.
      const whyNot = hypotheses.flatMap((h) =>
        (h.whyNot as { service?: string; reason?: string }[])
          .filter((w) => !want || w.service?.toLowerCase() === want)
          .map((w) => ({ service: w.service ?? null, reason: w.reason ?? null, hypothesisId: h.id })),
      );
      const cited = new Set(rows.flatMap((r) => r.evidence.map((e) => e.id)));
      const citations = [
        incidentCitation(incident),
        ...picked.map(hypothesisCitation),
        ...hypotheses.filter((h) => whyNot.some((w) => w.hypothesisId === h.id) && !picked.includes(h)).map(hypothesisCitation),
        ...evidence.filter((e) => cited.has(e.id)).map(evidenceCitation),
      ];
      const data = { incident: incidentView(incident), hypotheses: rows, whyNot };
      return rows.length || whyNot.length ? ok(data, citations) : noData(data, citations);
    } catch (e) {
      if (isAppError(e) && e.code === 'not_found') return toolError(await unknownIncidentError(ctx, incidentId));
      throw e;
    }
  },
};
