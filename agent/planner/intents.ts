/**
 * What an on-call engineer is asking, read from free phrasing by rules: synonyms, incident ids and
 * service names anywhere in the sentence. Pure: the planner decides what to call from this.
 */

export const INTENTS = [
  'fix_plan',
  'similar',
  'blast_radius',
  'analyze',
  'logs',
  'metric',
  'anomalies',
  'runbook',
  'summary',
  'why_service',
  'changes',
  'timeline',
  'root_cause',
  'status',
  'list',
  'help',
] as const;
export type Intent = (typeof INTENTS)[number];

/** Words that name a measured quantity ("p95", "error rate", "cpu"…): see metrics.ts for the mapping. */
export const METRIC_WORDS =
  /\b(p50|p90|p95|p99|percentile|latenc\w*|response times?|slow(ness)?|error[- ]rates?|5xx rate|failure rate|cpu|memory|mem|ram|heap|saturation|throughput|rps|qps|requests? (per|a) (second|sec|s)|request rate|traffic|restarts?|disk( usage| utili[sz]ation| space)?|utili[sz]ation|metrics?)\b/i;

const SHOW = /\b(show|plot|graph|chart|display|draw|visuali[sz]e|query|what('?s| is| are| was| were)|how (is|are|was|high|much|many)|check|give me|get me|pull( up)?|trend|curve|look like|over time|numbers?|value)\b/i;

/** First match wins, so the narrower intents come before the broad ones ("why" is root cause unless it is "why not X"). */
const RULES: { intent: Intent; re: RegExp; when?: (q: string) => boolean }[] = [
  {
    intent: 'fix_plan',
    re: /\b(fix[- ]?plan|remediation plan|mitigation plan|draft (a |the |me a )?(fix|plan|remediation)|propose (a |the )?(fix|plan|remediation)|suggest (a |the )?(fix|remediation)|plan (a|the) fix|how (do|can|should|would) (i|we) (fix|mitigate|resolve|remediate)|what should (i|we) do|what do (i|we) do now|next steps?)\b/i,
  },
  {
    intent: 'similar',
    re: /\b(similar|happened before|seen (this|it|that|something like this) before|past incidents?|previous incidents?|earlier incidents?|prior incidents?|postmortems?|post-mortems?|last time|(any|is there a) precedent|like this one|how (was|did) (it|this|that) (get )?fix(ed)? (before|last time)|fixed (it|this) before)\b/i,
  },
  {
    intent: 'blast_radius',
    re: /\b(blast[- ]radius|who('s| is| else is)? (affected|impacted|hit)|what('s| is| else is)? (affected|impacted)|which (services|teams|customers|endpoints|users) (are|were) (affected|impacted|hit)|impact(ed)?|downstream|upstream effects?|knock-on|spread|propagat\w*|affected services|customer[- ]facing)\b/i,
  },
  { intent: 'analyze', re: /\b(analy[sz]e|analysis|run (an |the )?(rca|root[- ]cause)|investigate|diagnose|dig into)\b/i },
  { intent: 'logs', re: /\b(logs?|log lines?|log templates?|exceptions?|stack ?traces?|error messages?|(what|which|new|novel) errors?|errors? (are|were) (logged|thrown)|warnings?|grep)\b/i, when: (q) => !/\bhow (do|can|should) (i|we)\b|\bhow to\b/i.test(q) && (!/\berror[- ]rates?\b/i.test(q) || /\blogs?\b/i.test(q)) },
  { intent: 'metric', re: METRIC_WORDS, when: (q) => !/^\s*why\b/i.test(q) && (SHOW.test(q) || /\bmetrics?\b/i.test(q)) },
  { intent: 'anomalies', re: /\b(anomal\w*|alerts?|alarms?|spikes?|outliers?|what fired|which detectors?|detected|unusual|abnormal)\b/i },
  { intent: 'runbook', re: /\b(runbooks?|run-books?|playbooks?|docs?|documentation|wiki|procedures?|sop|how (do|can|should) (i|we)|how to)\b/i },
  { intent: 'summary', re: /\b(summar\w*|stakeholders?|exec(utive)?s?|brief(ing)?|tl;?dr|recap|write[- ]?up|status (report|update|page)|for (the )?(management|leadership|customers|ceo|cto|vp))\b/i },
  // Only the patterns suspectMention reads ("why not X", "is it X", "why was X ruled out", "is X to blame").
  { intent: 'why_service', re: /\S/, when: (q) => suspectMention(q) !== null },
  {
    intent: 'changes',
    re: /\b(what|which|any|recent|list|show)\b.*\b(chang\w*|deploy\w*|releas\w*|rollouts?|rolled out|shipped|flags?|config\w*)\b|^\s*(changes?|deploys?|deployments?)\b|\b(who|what) (deployed|shipped|changed)\b/i,
  },
  { intent: 'timeline', re: /\b(timeline|what happened|sequence|chronolog\w*|events|when did|history|walk me through|step by step|play[- ]by[- ]play|order of events)\b/i },
  { intent: 'root_cause', re: /\b(why|root[- ]?cause|causes?|caused|culprit|what broke|reason|failing|broken|fails|erroring|to blame|responsible|source of)\b/i },
  { intent: 'status', re: /\b(status|going on|happening|update|how (is|are|'s)|state|what'?s up|situation|overview|health|sitrep|problems?|issues?|wrong)\b/i },
  { intent: 'list', re: /\b(incidents|what('s| is) open|open ones|list)\b/i },
];

export function classify(question: string): Intent {
  return RULES.find((r) => r.re.test(question) && (!r.when || r.when(question)))?.intent ?? 'help';
}

/** Incident ids written in the question: ULIDs, in any case. */
export function incidentIdsIn(question: string): string[] {
  return [...question.matchAll(/\b[0-9A-HJKMNP-TV-Z]{26}\b/gi)].map((m) => m[0].toUpperCase());
}

const STOP = new Set(
  'a an the is are was were be it this that these those any some there do does did we i you me my our us have has had how to for of on in with about what whats what\'s why not who when where which show tell give find get see please can could should would will runbook runbooks playbook playbooks doc docs documentation wiki procedure procedures sop is there anything going happening up status incident incidents service services failing broken down so too very really still slow fast bad good ok okay again now just working erroring flaky problem problems issue issues wrong here all everything something one stakeholders management leadership customers team summary hour hours minutes today yesterday last recently before'.split(' '),
);

/** Words after "for", "on", "is it"… that are not service names. */
const NOT_SERVICE = new Set([
  ...STOP,
  ...'past since during over time metric metrics logs log errors error latency cpu memory rate p95 p99 p50 graph chart plot fixed resolved open closed mitigated serious critical safe known related new deploy deploys deployment change changes timeline impact cause culprit root minute week day same other last first next its their it\'s events event step steps sequence things execs exec customer-facing namespace'.split(' '),
]);

/** The words that carry the topic ("any runbook for disk full?" → "disk full"). */
export function topicOf(question: string): string {
  return question
    .toLowerCase()
    .replace(/\b[0-9a-hjkmnp-tv-z]{26}\b/g, ' ')
    .split(/[^a-z0-9_.-]+/)
    .map((w) => w.replace(/^[.-]+|[.-]+$/g, ''))
    .filter((w) => w && !STOP.has(w))
    .join(' ');
}

/** The first word captured by `re` (global) that is not a stop word. */
const word = (re: RegExp, question: string): string | null => {
  for (const m of question.matchAll(re)) {
    const w = m[1]?.toLowerCase().replace(/'s$/, '');
    if (w && !NOT_SERVICE.has(w) && !/^[0-9a-hjkmnp-tv-z]{26}$/.test(w)) return w;
  }
  return null;
};

/** The service a "why not X?" / "is it X?" question suspects. */
export const suspectMention = (question: string): string | null =>
  word(/\b(?:why not|is it|could it be|was it|blame|rule out|ruled out|what about|how about)\s+(?:the\s+)?(?=([a-z][\w-]{1,60}))/gi, question) ??
  word(/\bwhy (?:was|is|were|did you rule out|not blame)\s+(?:the\s+)?(?=([a-z][\w-]{1,60})(?:\s+service)?(?:\s+(?:ruled out|not|excluded|innocent|exonerated|cleared|\?|$)))/gi, question) ??
  word(/\bis\s+(?:the\s+)?(?=([a-z][\w-]{1,60})(?:\s+service)?\s+(?:to blame|the (?:culprit|cause|root cause)|innocent|involved|at fault|responsible)\b)/gi, question);

/** The word a question puts after "with", "for", "on"…: a service it may name. */
export const serviceMention = (question: string): string | null =>
  suspectMention(question) ?? word(/\b(?:with|for|on|about|in|of|from|at|by)\s+(?:the\s+)?(?=([a-z][\w-]{1,60}))/gi, question) ?? word(/\b(?=([a-z][\w-]{1,60}))[\w-]+(?:'s)?\s+(?:service|pods?|deployment)\b/gi, question);

/** Whether `name` (a service) appears in the question as a word. */
export function mentions(question: string, name: string): boolean {
  const esc = name.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^a-z0-9_-])${esc}($|[^a-z0-9_-])`, 'i').test(question);
}

/** "only new errors", "novel log lines": the question wants templates not seen before the incident. */
export const wantsNovel = (q: string): boolean => /\b(new|novel|unseen|never seen|first[- ]time|fresh)\b/i.test(q);

/** The log level a question asks about, if any. */
export function levelOf(q: string): 'error' | 'warn' | 'info' | 'debug' | undefined {
  if (/\b(errors?|exceptions?|stack ?traces?|fatal|panics?|5xx)\b/i.test(q)) return 'error';
  if (/\bwarn(ing)?s?\b/i.test(q)) return 'warn';
  if (/\bdebug\b/i.test(q)) return 'debug';
  if (/\binfo\b/i.test(q)) return 'info';
  return undefined;
}

/** Quoted text in a question ("logs mentioning 'timeout'"): what to search for. */
export function quotedText(q: string): string | undefined {
  return /["“`]([^"”`]{2,200})["”`]/.exec(q)?.[1];
}
