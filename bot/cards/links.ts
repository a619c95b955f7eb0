/**
 * Where a card's links point: one table, so the day the web UI has its own pages only this file
 * changes. Today they are the REST API's read routes (GET /v1/incidents/:id, …/evidence,
 * /v1/fix/plans/:id), which answer with the same data the card shows; a browser that opens one
 * without a key is sent to the local page's view of it (bot/local/chat.ts, when the page is on).
 */
import { HttpUrl } from './model.js';

const enc = encodeURIComponent;

/** A validated base URL without a trailing slash; throws (zod) on anything but absolute http(s). */
export function baseUrlOf(raw: string): string {
  return HttpUrl.parse(raw).replace(/\/+$/, '');
}

export const LINKS = {
  incident: (base: string, incidentId: string) => `${base}/v1/incidents/${enc(incidentId)}`,
  evidenceList: (base: string, incidentId: string) => `${base}/v1/incidents/${enc(incidentId)}/evidence`,
  evidence: (base: string, incidentId: string, evidenceId: string) => `${base}/v1/incidents/${enc(incidentId)}/evidence#${enc(evidenceId)}`,
  plan: (base: string, planId: string) => `${base}/v1/fix/plans/${enc(planId)}`,
};
