/**
 * The incident summary card: the one message a war-room keeps updated in place (status,
 * severity, service, impact, blast radius, top hypothesis, time open, links).
 */
import type { Hypothesis, Incident, Severity } from '../../core/schemas.js';
import { incidentVersion } from './actions.js';
import { LINKS, baseUrlOf } from './links.js';
import type { Block, Card, ListItem, Tone } from './model.js';
import { elapsed, percent } from './text.js';

/** The part of rca's BlastRadius a card shows (rca/types.ts BlastRadius fits it as is). */
export interface BlastRadiusView {
  impacted: { service: string; depth?: number; impact?: number }[];
  entryPoints?: string[];
}

export interface IncidentSummaryInput {
  incident: Incident;
  baseUrl: string;
  /** The time the card is made at: time open is measured to it (or to the resolution). */
  now: Date;
  impact?: string;
  blastRadius?: BlastRadiusView;
  topHypothesis?: Hypothesis;
  links?: { label: string; url: string }[];
}

const TONE_OF: Record<Severity, Tone> = { sev1: 'danger', sev2: 'danger', sev3: 'warning', sev4: 'neutral' };

/** Blast-radius services shown by name before "and N more". */
const BLAST_NAMES = 8;

export function incidentSummaryCard(input: IncidentSummaryInput): Card {
  const { incident: i, now } = input;
  const base = baseUrlOf(input.baseUrl);
  const done = i.status === 'resolved' || i.status === 'closed';
  const openMs = Date.parse(i.resolvedAt ?? now.toISOString()) - Date.parse(i.startedAt);
  const version = incidentVersion(i);
  const top = input.topHypothesis && input.topHypothesis.evidenceIds.length > 0 ? input.topHypothesis : undefined;

  const facts = [
    { label: 'Status', value: i.status },
    { label: 'Severity', value: i.severity.toUpperCase() },
    { label: 'Service', value: i.service },
    { label: 'Impact', value: input.impact ?? 'not measured yet' },
    { label: 'Blast radius', value: blastText(input.blastRadius) },
    { label: done ? 'Time to resolve' : 'Time open', value: elapsed(openMs) },
  ];
  const links: ListItem[] = [
    { text: 'Incident', url: LINKS.incident(base, i.id) },
    { text: 'Evidence', url: LINKS.evidenceList(base, i.id) },
    ...(input.links ?? []).map((l) => ({ text: l.label, url: l.url })),
  ];
  const blocks: Block[] = [
    { type: 'facts', facts },
    top
      ? { type: 'section', heading: `Top hypothesis (${percent(top.confidence)} confidence)`, text: top.statement }
      : { type: 'section', heading: 'Top hypothesis', text: 'Not enough evidence yet.' },
    { type: 'list', heading: 'Links', items: links },
  ];
  if (!done) {
    blocks.push({
      type: 'actions',
      buttons: [
        { label: 'Analyze', style: 'primary', action: { v: 1, action: 'incident.analyze', incidentId: i.id, version } },
        { label: 'Draft a fix plan', action: { v: 1, action: 'fix.plan', incidentId: i.id, hypothesisId: top?.id, version } },
      ],
    });
  }
  blocks.push({ type: 'context', items: [`Incident ${i.id} · opened by ${i.openedBy} · started ${i.startedAt} · as of ${now.toISOString()}`] });
  return {
    id: `summary:${i.id}`,
    kind: 'incident_summary',
    title: `${i.severity.toUpperCase()} · ${i.title}`,
    summary: `${i.severity.toUpperCase()} ${i.status}: ${i.title} (${i.service}, ${elapsed(openMs)})${top ? ` · top hypothesis: ${top.statement}` : ''}`,
    tone: done ? 'good' : TONE_OF[i.severity],
    link: LINKS.incident(base, i.id),
    blocks,
    refresh: { v: 1, action: 'card.refresh', incidentId: i.id, version },
  };
}

function blastText(b: BlastRadiusView | undefined): string {
  if (!b) return 'not analyzed yet';
  if (b.impacted.length === 0) return 'no other service affected';
  const names = b.impacted.slice(0, BLAST_NAMES).map((s) => s.service);
  const rest = b.impacted.length - names.length;
  const entry = b.entryPoints?.length ? `; entry points: ${b.entryPoints.join(', ')}` : '';
  return `${b.impacted.length} service${b.impacted.length === 1 ? '' : 's'}: ${names.join(', ')}${rest > 0 ? ` and ${rest} more` : ''}${entry}`;
}
