/**
 * Log evidence per service from log templates counted before and during the incident. A template's
 * surprise is a Poisson excess: (observed − expected) / √(expected + 1), expected being the
 * baseline rate times the incident exposure. Error-level and novel templates weigh most.
 */
import { round, saturate } from './stats.js';
import type { LogClusterInput, ServiceLogEvidence } from './types.js';

const ERROR_LEVELS = /^(error|err|fatal|critical|crit|severe|panic|alert|emerg)/i;
const WARN_LEVELS = /^warn/i;
/** Weight of a template's surprise by what it reports: an error, a warning of a failure, anything else. */
export const LOG_WEIGHTS = { error: 1, warning: 0.6, other: 0.25 };
/** Words of a line that reports trouble (when its level does not say). */
export const ERROR_WORDS = /error|exception|fail|timeout|timed out|refused|unavailable|denied|panic/i;

/** Whether a template reports trouble: by level first, by its words when the level is unknown. */
export function isErrorTemplate(c: Pick<LogClusterInput, 'level' | 'template'>): boolean {
  if (c.level) return ERROR_LEVELS.test(c.level) || (WARN_LEVELS.test(c.level) && ERROR_WORDS.test(c.template));
  return ERROR_WORDS.test(c.template);
}

/** Lower-case patterns that name a service in free text: its name, and compact aliases (ts-basic-service → basicservice). */
export function namePatterns(service: string): RegExp[] {
  const lower = service.toLowerCase();
  const parts = lower.split(/[^a-z0-9]+/).filter(Boolean);
  const forms = new Set<string>([lower]);
  if (parts.length > 1 && parts.join('').length >= 6) forms.add(parts.join(''));
  if (parts.length >= 3) forms.add(parts.slice(1).join(''));
  const esc = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return [...forms].filter((f) => f.length >= 3).map((f) => new RegExp(`(^|[^a-z0-9])${esc(f)}([^a-z0-9]|$)`));
}

/**
 * Score the log clusters of every service; services without clusters are absent. An error template
 * that names another known service ("request to auth failed", "No instances available for
 * ts-basic-service") is about that dependency: it is reported as a reference from the logging
 * service to the named one, and left out of the logging service's own score.
 */
export function logEvidence(
  clusters: readonly LogClusterInput[],
  secondsBefore: number,
  secondsDuring: number,
  services: readonly string[] = [],
  /** Whether the error template of `caller` that names `callee` stays the caller's own (see timedOutOnCalmCallee). */
  keepsOwn: (caller: string, callee: string, template: string) => boolean = () => false,
): ServiceLogEvidence[] {
  const patterns = services.map((n) => ({ n, re: namePatterns(n) }));
  const by = new Map<string, LogClusterInput[]>();
  for (const c of clusters) {
    const l = by.get(c.service);
    if (l) l.push(c);
    else by.set(c.service, [c]);
  }
  const out: ServiceLogEvidence[] = [];
  for (const [service, list] of [...by.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    let errBefore = 0;
    let errDuring = 0;
    let sb = 0;
    let sd = 0;
    const scored = list.map((c) => {
      const tb = Math.max(c.secondsBefore ?? secondsBefore, 1);
      const td = Math.max(c.secondsDuring ?? secondsDuring, 1);
      sb = Math.max(sb, tb);
      sd = Math.max(sd, td);
      const err = isErrorTemplate(c);
      if (err && !c.derived) {
        errBefore += c.countsBefore;
        errDuring += c.countsDuring;
      }
      // the reference requests defined a skipped step's pattern, so their count of skips is biased
      // to zero: one pseudo-skip among them (add-one) keeps a handful of skips from looking surprising
      const pseudo = c.derived ? 1 : 0;
      const expected = ((c.countsBefore + pseudo) / (tb + pseudo)) * td;
      const surprise = (c.countsDuring - expected) / Math.sqrt(expected + 1);
      const novel = c.novel ?? (c.countsBefore === 0 && c.countsDuring > 0);
      // a warning that reports a failure is trouble the service handled; an error-level line is not
      const weight = !err ? LOG_WEIGHTS.other : c.level && WARN_LEVELS.test(c.level) ? LOG_WEIGHTS.warning : LOG_WEIGHTS.error;
      const strength = weight * saturate(surprise - 2, 4);
      const text = c.template.toLowerCase();
      const named = err && strength > 0 && !c.derived ? patterns.filter((p) => p.n !== service && p.re.some((re) => re.test(text)) && !keepsOwn(service, p.n, text)).map((p) => p.n) : [];
      return { c, err, novel, strength, named };
    });
    const derivedStrength = (kind: LogClusterInput['derived']) => round(Math.max(0, ...scored.filter((x) => x.c.derived === kind).map((x) => x.strength)), 4);
    const references = scored
      .filter((x) => x.named.length > 0)
      .flatMap((x) => x.named.map((to) => ({ service: to, strength: round(x.strength, 4), templateId: x.c.templateId, template: x.c.template })))
      .sort((a, b) => b.strength - a.strength || (a.service < b.service ? -1 : 1));
    scored.sort((a, b) => b.strength - a.strength || (a.c.templateId < b.c.templateId ? -1 : 1));
    const w = [1, 0.5, 0.25];
    let miss = 1;
    // what the requests say about the service is not the service's own log: scored apart
    scored
      .filter((x) => x.named.length === 0 && !x.c.derived)
      .slice(0, 3)
      .forEach((s, i) => (miss *= 1 - w[i] * s.strength));
    out.push({
      service,
      score: round(1 - miss, 4),
      novelTemplates: scored.filter((s) => s.novel && s.err).length,
      references,
      // requests that missed one of its steps, whichever way (skipped past it, or stopped in it)
      skipped: Math.max(derivedStrength('skipped-step'), derivedStrength('stopped-step')),
      slowCalls: derivedStrength('slow-call'),
      errorRateBefore: round(errBefore / Math.max(sb, 1), 4),
      errorRateDuring: round(errDuring / Math.max(sd, 1), 4),
      top: scored
        .filter((s) => s.strength > 0)
        .slice(0, 3)
        .map((s) => ({
          templateId: s.c.templateId,
          template: s.c.template,
          exemplar: s.c.exemplar ?? null,
          before: s.c.countsBefore,
          during: s.c.countsDuring,
          novel: s.novel,
          level: s.c.level ?? null,
          ...(s.c.derived ? { derived: s.c.derived, exposure: { before: s.c.secondsBefore ?? 0, during: s.c.secondsDuring ?? 0 } } : {}),
        })),
    });
  }
  return out;
}

/** Words of a line that reports a call that timed out. */
const TIMEOUT_WORDS = /timeout|timed out/i;

/**
 * A timeout says the callee answered later than the caller waited. When the callee's own latency
 * is measured and did not rise, what changed is the caller's wait (its timeout, lowered by a
 * config change) — not the callee: such a line stays the caller's own evidence instead of naming
 * the callee. `calmLatency(callee)`: true when the callee reports its own latency and none of it
 * is anomalous; false when it rose or is not measured (then the line names the callee as before).
 */
export function timedOutOnCalmCallee(calmLatency: (service: string) => boolean): (caller: string, callee: string, template: string) => boolean {
  return (_caller, callee, template) => TIMEOUT_WORDS.test(template) && calmLatency(callee);
}
