/**
 * What an on-call engineer is asking, read from free phrasing by rules: synonyms, incident ids and
 * service names anywhere in the sentence. Pure: the planner decides what to call from this.
 */

export const INTENTS = ['metrics_logs', 'fix_plan', 'similar', 'runbook', 'summary', 'why_service', 'changes', 'timeline', 'root_cause', 'status', 'list', 'help'] as const;
export type Intent = (typeof INTENTS)[number];

/** First match wins, so the narrower intents come before the broad ones ("why" is root cause unless it is "why not X"). */
const RULES: { intent: Intent; re: RegExp; when?: (q: string) => boolean }[] = [
  { intent: 'metrics_logs', re: /\b(show|plot|graph|chart|display)\b.*\b(metrics?|logs?|graphs?|dashboards?|p9[59]|latency|error rate|cpu|memory)\b|\b(logs?|metrics?) (for|of|from)\b/i },
  { intent: 'fix_plan', re: /\b(fix[- ]plan|draft (a |the )?(fix|plan)|remediat\w*|plan (a|the) fix|how (do|can|should) (i|we) (fix|mitigate|resolve)|what should (i|we) do)\b/i },
  { intent: 'similar', re: /\b(similar|happened before|seen (this|it|that) before|past incidents?|previous incidents?|postmortems?|post-mortems?|last time)\b/i },
  { intent: 'runbook', re: /\b(runbooks?|run-books?|playbooks?|docs?|documentation|wiki|procedures?|sop|how (do|can|should) (i|we)|how to)\b/i },
  { intent: 'summary', re: /\b(summar\w*|stakeholders?|exec(utive)?s?|brief(ing)?|tl;?dr|recap|write[- ]?up|for (the )?(management|leadership|customers))\b/i },
  { intent: 'why_service', re: /\b(why not|is it|could it be|was it|blame|rule out|ruled out)\b/i, when: (q) => suspectMention(q) !== null },
  { intent: 'changes', re: /\b(what|which|any|recent)\b.*\b(chang\w*|deploy\w*|releas\w*|rollouts?|flags?|config)\b|^\s*changes?\b/i },
  { intent: 'timeline', re: /\b(timeline|what happened|sequence|chronolog\w*|events|when did|history|walk me through)\b/i },
  { intent: 'root_cause', re: /\b(why|root[- ]?cause|causes?|caused|culprit|what broke|reason|failing|broken|fails|erroring)\b/i },
  { intent: 'status', re: /\b(status|going on|happening|update|how (is|are|'s)|state|what'?s up|situation|overview|health|sitrep|impact|problems?|issues?|wrong)\b/i },
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
  'a an the is are was were be it this that these those any some there do does did we i you me my our us have has had how to for of on in with about what whats what\'s why not who when where which show tell give find get see please can could should would will runbook runbooks playbook playbooks doc docs documentation wiki procedure procedures sop is there anything going happening up status incident incidents service services failing broken down so too very really still slow fast bad good ok okay again now just working erroring flaky problem problems issue issues wrong here all everything something one stakeholders management leadership customers team summary hour hours minutes today yesterday last recently before'.split(
    ' ',
  ),
);

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
    const w = m[1]?.toLowerCase();
    if (w && !STOP.has(w)) return w;
  }
  return null;
};

/** The service a "why not X?" / "is it X?" question suspects. */
export const suspectMention = (question: string): string | null => word(/\b(?:why not|is it|could it be|was it|blame|rule out|ruled out)\s+(?:the\s+)?(?=([a-z][\w-]{1,60}))/gi, question);

/** The word a question puts after "with", "for", "on"…: a service it may name. */
export const serviceMention = (question: string): string | null =>
  suspectMention(question) ?? word(/\b(?:with|for|on|about|in|of)\s+(?:the\s+)?(?=([a-z][\w-]{1,60}))/gi, question);

/** Whether `name` (a service) appears in the question as a word. */
export function mentions(question: string, name: string): boolean {
  const esc = name.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^a-z0-9_-])${esc}($|[^a-z0-9_-])`, 'i').test(question);
}
