/**
 * The agent eval's cases, as data: a question (phrased as on-call engineers phrase it), the
 * scenario whose incident it is about, the tools a good answer needs, the facts that must appear
 * and the citation kinds the answer must carry. Facts may name the scenario's ground truth:
 * `{root}` (the earliest fault's root-cause service), `{version}` (the version its deploy rolled
 * out), `{entry}` (the service the incident was opened on), `{other}` (a service that is not the
 * root cause). A fact is a plain string (case-insensitive) or `/regex/`.
 *
 * `focus: false` asks with no incident in view: the agent must find it from the service named.
 */

export interface AgentCase {
  id: string;
  scenario: string;
  intent: string;
  question: string;
  focus?: boolean;
  tools: string[];
  facts: string[];
  citations: string[];
}

/** The library scenarios replayed (their incident is opened on the shop's entry service). */
export const AGENT_SCENARIOS: { id: string; other: string }[] = [
  { id: 'bad-deploy-errors-checkout', other: 'payments' },
  { id: 'disk-full-postgres-primary', other: 'cart' },
  { id: 'pool-exhaustion-orders', other: 'payments' },
  { id: 'cert-expiry-payments', other: 'inventory' },
];

type Row = [intent: string, question: string, tools: string[], facts: string[], citations: string[], focus?: boolean];

const D = 'bad-deploy-errors-checkout';
const P = 'disk-full-postgres-primary';
const O = 'pool-exhaustion-orders';
const C = 'cert-expiry-payments';

const ROWS: Record<string, Row[]> = {
  [D]: [
    ['status', "what's the status of this incident?", ['root_cause'], ['{root}'], ['incident', 'hypothesis']],
    ['root_cause', 'what is the root cause?', ['root_cause'], ['{root}'], ['hypothesis', 'evidence']],
    ['root_cause', 'why are customers seeing errors?', ['root_cause'], ['{root}'], ['hypothesis']],
    ['changes', 'what changed before this started?', ['list_changes'], ['{version}'], ['change']],
    ['changes', 'any deploys in the last hour?', ['list_changes'], ['{version}'], ['change']],
    ['timeline', 'walk me through what happened', ['incident_timeline'], ['{root}'], ['incident']],
    ['why_service', 'why not {other}?', ['explain_why_not'], ['{other}', '{root}'], ['analysis']],
    ['why_service', 'is it {root}?', ['explain_why_not'], ['/top suspect/'], ['analysis']],
    ['metric', 'show me the error rate of {root}', ['query_metric'], ['http_error_rate', '{root}'], ['metric']],
    ['logs', 'any new errors in the logs of {root}?', ['search_log_templates'], ['{root}'], ['log_template']],
    ['anomalies', 'what anomalies fired?', ['list_anomalies'], ['{root}'], ['anomaly']],
    ['blast_radius', 'who is affected?', ['blast_radius'], ['{entry}'], ['analysis']],
    ['runbook', 'is there a runbook for rolling back a bad deploy?', ['search_knowledge'], ['Roll back a bad deploy'], ['knowledge']],
    ['fix_plan', 'draft a fix plan', ['draft_fix_plan'], ['/draft only/', '{root}'], ['incident']],
    ['summary', 'write a summary for stakeholders', ['root_cause', 'blast_radius', 'incident_timeline'], ['{root}', '{entry}'], ['incident', 'hypothesis']],
    ['status', "what's going on with {entry}?", ['list_incidents', 'root_cause'], ['{root}'], ['incident', 'hypothesis'], false],
  ],
  [P]: [
    ['status', 'sitrep please', ['root_cause'], ['{root}'], ['incident', 'hypothesis']],
    ['root_cause', 'what broke?', ['root_cause'], ['{root}'], ['hypothesis']],
    ['analyze', 'analyze this incident', ['analyze_incident'], ['{root}', '/verdict confident/'], ['analysis']],
    ['why_service', 'could it be {other}?', ['explain_why_not'], ['{other}'], ['analysis']],
    ['why_service', 'rule out {entry} for me', ['explain_why_not'], ['{entry}'], ['analysis']],
    ['metric', 'plot the disk usage of {root}', ['query_metric'], ['disk_utilization', '{root}'], ['metric']],
    ['logs', 'show me the error logs for {root}', ['search_log_templates'], ['{root}'], ['log_template']],
    ['anomalies', 'anything abnormal on {root}?', ['list_anomalies'], ['{root}'], ['anomaly']],
    ['timeline', 'give me the timeline', ['incident_timeline'], ['{root}'], ['incident']],
    ['blast_radius', "what's the blast radius?", ['blast_radius'], ['{root}'], ['analysis']],
    ['runbook', 'how do I free up disk space?', ['search_knowledge'], ['Disk full'], ['knowledge']],
    ['similar', 'have we seen this before?', ['similar_incidents'], ['/no past incident|similar/'], ['incident']],
    ['fix_plan', 'what should we do?', ['draft_fix_plan'], ['/draft only/'], ['incident']],
    ['summary', 'tl;dr for the execs', ['root_cause', 'blast_radius', 'incident_timeline'], ['{root}'], ['incident', 'hypothesis']],
    ['changes', 'which config changes happened?', ['list_changes'], [], []],
  ],
  [O]: [
    ['status', 'any update?', ['root_cause'], ['{root}'], ['incident', 'hypothesis']],
    ['root_cause', 'who is the culprit here', ['root_cause'], ['{root}'], ['hypothesis']],
    ['root_cause', 'what caused this', ['root_cause'], ['{root}'], ['hypothesis', 'evidence']],
    ['analyze', 'run the root cause analysis', ['analyze_incident'], ['{root}'], ['analysis']],
    ['why_service', 'what about {other}?', ['explain_why_not'], ['{other}'], ['analysis']],
    ['metric', 'how high is the saturation of {root}', ['query_metric'], ['saturation', '{root}'], ['metric']],
    ['metric', 'graph the p95 latency for {root}', ['query_metric'], ['latency_p95_ms', '{root}'], ['metric']],
    ['logs', 'what exceptions are we seeing?', ['search_log_templates'], ['/lines/'], ['log_template']],
    ['anomalies', 'show me the spikes', ['list_anomalies'], ['/score/'], ['anomaly']],
    ['blast_radius', 'which services are affected', ['blast_radius'], ['{entry}'], ['analysis']],
    ['timeline', 'what happened?', ['incident_timeline'], ['{root}'], ['incident']],
    ['runbook', 'any runbook for connection pool exhaustion?', ['search_knowledge'], ['Connection pool exhaustion'], ['knowledge']],
    ['similar', 'any similar incidents', ['similar_incidents'], ['/no past incident|similar/'], ['incident']],
    ['fix_plan', 'propose a remediation', ['draft_fix_plan'], ['/draft only/'], ['incident']],
    ['summary', 'give me a recap for leadership', ['root_cause', 'blast_radius', 'incident_timeline'], ['{root}'], ['incident', 'hypothesis']],
    ['status', 'is there a problem with {entry}?', ['list_incidents', 'root_cause'], ['{root}'], ['incident'], false],
  ],
  [C]: [
    ['status', 'give me an overview', ['root_cause'], ['{root}'], ['incident', 'hypothesis']],
    ['root_cause', 'why is it failing?', ['root_cause'], ['{root}'], ['hypothesis']],
    ['analyze', 'can you investigate it', ['analyze_incident'], ['{root}'], ['analysis']],
    ['why_service', 'why not {other}?', ['explain_why_not'], ['{other}'], ['analysis']],
    ['why_service', 'is {root} to blame?', ['explain_why_not'], ['/top suspect/'], ['analysis']],
    ['metric', "what's the error rate of {root}", ['query_metric'], ['http_error_rate', '{root}'], ['metric']],
    ['logs', 'which errors are new', ['search_log_templates'], ['/new in this incident/'], ['log_template']],
    ['logs', 'grep the logs for "certificate"', ['search_log_templates'], ['/certificate/'], ['log_template']],
    ['anomalies', 'which detectors fired in this incident?', ['list_anomalies'], ['/score/'], ['anomaly']],
    ['timeline', "what's the sequence of events", ['incident_timeline'], ['{root}'], ['incident']],
    ['blast_radius', 'what is the impact', ['blast_radius'], ['{entry}'], ['analysis']],
    ['runbook', 'how do I renew an expired certificate', ['search_knowledge'], ['Certificate expiry'], ['knowledge']],
    ['similar', 'how was it fixed last time', ['similar_incidents'], ['/no past incident|similar/'], ['incident']],
    ['fix_plan', 'how do we fix this', ['draft_fix_plan'], ['/draft only/'], ['incident']],
    ['summary', 'status update for leadership', ['root_cause', 'blast_radius', 'incident_timeline'], ['{root}'], ['incident', 'hypothesis']],
    ['changes', 'what changed on {root}?', ['list_changes'], [], []],
  ],
};

export const AGENT_CASES: AgentCase[] = Object.entries(ROWS).flatMap(([scenario, rows]) =>
  rows.map(([intent, question, tools, facts, citations, focus], i) => ({
    id: `${scenario}#${i + 1}`,
    scenario,
    intent,
    question,
    tools,
    facts,
    citations,
    ...(focus === false ? { focus: false } : {}),
  })),
);
