/**
 * The hypotheses card: each root-cause hypothesis with its confidence, the evidence it cites
 * (linked), counter-evidence and why other services were ruled out. A hypothesis that cites no
 * evidence is not shown (evidence or silence); with none left the card says so.
 */
import type { Evidence, Hypothesis, Incident } from '../../core/schemas.js';
import { incidentVersion } from './actions.js';
import { LINKS, baseUrlOf } from './links.js';
import type { Block, Card, ListItem } from './model.js';
import { percent } from './text.js';

export interface HypothesesInput {
  incident: Incident;
  hypotheses: Hypothesis[];
  /** The incident's evidence rows; a cited id missing here is listed by id, unlinked. */
  evidence: Evidence[];
  baseUrl: string;
  /** When the analysis ran and over which window, if known (shown in the context line). */
  analysis?: { ranAt?: string; window?: string };
}

export function hypothesesCard(input: HypothesesInput): Card {
  const { incident: i } = input;
  const base = baseUrlOf(input.baseUrl);
  const byId = new Map(input.evidence.map((e) => [e.id, e]));
  const shown = input.hypotheses.filter((h) => h.evidenceIds.length > 0).sort((a, b) => a.rank - b.rank);
  const version = incidentVersion(i);

  const blocks: Block[] = [];
  if (shown.length === 0) {
    blocks.push({ type: 'section', text: 'Not enough evidence for a root-cause hypothesis yet. Run an analysis, or add evidence to the incident.' });
  }
  for (const h of shown) {
    const group = `h:${h.id}`;
    const cited: ListItem[] = h.evidenceIds.map((id) => {
      const e = byId.get(id);
      return e ? { text: e.summary, url: LINKS.evidence(base, i.id, id), note: e.kind } : { text: `evidence ${id}`, note: 'not loaded' };
    });
    const counter: ListItem[] = h.counterEvidence.map((c) => ({ text: textOf(c, 'summary'), note: optText(c, 'kind') }));
    const whyNot: ListItem[] = h.whyNot.map((w) => ({ text: `Why not ${textOf(w, 'service')}? ${textOf(w, 'reason')}` }));
    const where = [h.service && `service ${h.service}`, h.changeId && `change ${h.changeId}`].filter(Boolean).join(', ');
    blocks.push(
      { type: 'section', heading: `#${h.rank} · ${percent(h.confidence)} confidence${where ? ` · ${where}` : ''}`, text: h.statement, group },
      { type: 'list', heading: 'Evidence', items: cited, group },
    );
    if (counter.length) blocks.push({ type: 'list', heading: 'Counter-evidence', items: counter, group });
    if (whyNot.length) blocks.push({ type: 'list', heading: 'Ruled out', items: whyNot, group });
    blocks.push({ type: 'divider', group });
  }
  const top = shown[0];
  if (top && i.status !== 'resolved' && i.status !== 'closed') {
    blocks.push({
      type: 'actions',
      buttons: [
        { label: 'Draft a fix plan for #1', style: 'primary', action: { v: 1, action: 'fix.plan', incidentId: i.id, hypothesisId: top.id, version } },
        { label: 'Analyze again', action: { v: 1, action: 'incident.analyze', incidentId: i.id, version } },
      ],
    });
  }
  const ran = [input.analysis?.ranAt && `analysis of ${input.analysis.ranAt}`, input.analysis?.window && `window ${input.analysis.window}`].filter(Boolean).join(', ');
  blocks.push({ type: 'context', items: [`Confidence is computed by code from the evidence, not by a model.${ran ? ` ${ran}.` : ''} Incident ${i.id}.`] });
  return {
    id: `hypotheses:${i.id}`,
    kind: 'hypotheses',
    title: `Root-cause hypotheses · ${i.title}`,
    summary: top ? `Top hypothesis (${percent(top.confidence)}): ${top.statement}` : `No root-cause hypothesis with evidence yet for ${i.title}`,
    tone: top ? 'warning' : 'neutral',
    link: LINKS.incident(base, i.id),
    groupNoun: 'more hypotheses',
    blocks,
    refresh: { v: 1, action: 'card.refresh', incidentId: i.id, version },
  };
}

// counterEvidence and whyNot are stored as JSON objects (rca/types.ts gives their shape).
function textOf(o: Record<string, unknown>, key: string): string {
  const v = o[key];
  return typeof v === 'string' && v ? v : typeof v === 'number' ? String(v) : JSON.stringify(o);
}
function optText(o: Record<string, unknown>, key: string): string | undefined {
  const v = o[key];
  return typeof v === 'string' && v ? v : undefined;
}
