/** The agent's tools: one table, read-only by construction (no tool here changes anything). */
import { analyzeIncidentTool } from './analyze-incident.js';
import { blastRadiusTool } from './blast-radius.js';
import { explainWhyNotTool } from './explain-why-not.js';
import { getIncidentTool } from './get-incident.js';
import { incidentEvidenceTool } from './incident-evidence.js';
import { listAnomaliesTool } from './list-anomalies.js';
import { incidentTimelineTool } from './incident-timeline.js';
import { draftFixPlanTool } from './draft-fix-plan.js';
import { listChangesTool } from './list-changes.js';
import { listIncidentsTool } from './list-incidents.js';
import { queryMetricTool } from './query-metric.js';
import { createRegistry, type ToolRegistry } from './registry.js';
import { rootCauseTool } from './root-cause.js';
import { searchKnowledgeTool } from './search-knowledge.js';
import { searchLogTemplatesTool } from './search-log-templates.js';
import { similarIncidentsTool } from './similar-incidents.js';
import type { AgentTool } from './types.js';

export const READ_ONLY_TOOLS: AgentTool[] = [
  listIncidentsTool,
  getIncidentTool,
  rootCauseTool,
  incidentEvidenceTool,
  searchKnowledgeTool,
  queryMetricTool,
  listAnomaliesTool,
  searchLogTemplatesTool,
  incidentTimelineTool,
  analyzeIncidentTool,
  explainWhyNotTool,
  blastRadiusTool,
  listChangesTool,
  similarIncidentsTool,
  draftFixPlanTool,
] as AgentTool[];

/** The registry the agent uses. */
export const defaultRegistry = (): ToolRegistry => createRegistry(READ_ONLY_TOOLS);

export type { ToolRegistry, ToolDefinition } from './registry.js';
export * from './types.js';
