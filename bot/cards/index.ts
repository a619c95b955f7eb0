/** The card model, its builders and its three renderings (see bot/README.md). */
export * from './actions.js';
export * from './model.js';
export { LINKS, baseUrlOf } from './links.js';
export { TRUNCATED, maskCard } from './text.js';
export { incidentSummaryCard, type IncidentSummaryInput, type BlastRadiusView } from './incident-summary.js';
export { hypothesesCard, type HypothesesInput } from './hypotheses.js';
export { fixPlanCard, type FixPlanInput, type GateView } from './fix-plan.js';
export { outcomeCard, type OutcomeInput } from './outcome.js';
export { renderSlack, SLACK_LIMITS, type SlackMessage, type SlackBlock } from './slack.js';
export { renderTeams, TEAMS_LIMITS, type AdaptiveCard, type TeamsOptions } from './teams.js';
export { renderHtml, escapeHtml, type HtmlOptions } from './html.js';
export { renderPlain, commandFor, PLAIN_LIMITS } from './plain.js';
