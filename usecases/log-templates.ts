/** The log templates the detectors mined: search, and one by id (scope `read`). */
import { AppError } from '../core/errors.js';
import type { LogTemplate, LogTemplateQuery } from '../core/ports/index.js';
import { maskSecrets } from '../detectors/secrets.js';
import { requireScope } from './principal.js';
import type { Session } from './session.js';

export type LogTemplateView = Omit<LogTemplate, 'orgId'>;

export const DEFAULT_TEMPLATE_LIMIT = 20;
export const MAX_TEMPLATE_LIMIT = 200;

// The miner masks secrets before a line becomes a template or an exemplar; the session's own
// rules run again here, so an org's custom patterns hold for what was stored before they existed.
const view = (s: Session, t: LogTemplate): LogTemplateView => {
  const { orgId: _org, ...rest } = t;
  return { ...rest, template: maskSecrets(t.template, s.deps.masks), exemplars: t.exemplars.map((e) => maskSecrets(e, s.deps.masks)) };
};

/** Templates matching the query, most recently seen first. */
export async function searchLogTemplates(s: Session, q: LogTemplateQuery): Promise<LogTemplateView[]> {
  requireScope(s.principal, 'read');
  if (q.from && q.to && Date.parse(q.from) >= Date.parse(q.to)) throw new AppError('invalid_input', `from (${q.from}) must be before to (${q.to}).`);
  const limit = Math.min(Math.max(Math.trunc(q.limit ?? DEFAULT_TEMPLATE_LIMIT), 1), MAX_TEMPLATE_LIMIT);
  return (await s.org.searchLogTemplates({ ...q, limit })).map((t) => view(s, t));
}

/** One template; not_found when the org has none with this id. */
export async function getLogTemplate(s: Session, id: string): Promise<LogTemplateView> {
  requireScope(s.principal, 'read');
  const t = await s.org.getLogTemplate(id);
  if (!t) throw new AppError('not_found', `No log template ${id}.`);
  return view(s, t);
}
