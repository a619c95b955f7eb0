/** The route table: one list, which both the server and the OpenAPI document read. */
import type { AnyRoute } from '../context.js';
import { askAgentRoute } from './agent.js';
import { getAnalysisRoute } from './analysis.js';
import { analyzeIncidentRoute } from './analyze.js';
import { getAnomalyRoute, listAnomaliesRoute } from './anomalies.js';
import { getChangeRoute, listChangesRoute } from './changes.js';
import { listAuditRoute, verifyAuditRoute } from './audit.js';
import { createConnectorRoute, listConnectorsRoute } from './connectors.js';
import { abandonRoute, approveRoute, executeRoute, getPlanRoute, planRoute, preflightRoute } from './fix.js';
import { renderPlanRoute } from './fix-render.js';
import { gitopsPullRequestRoute } from './gitops.js';
import { getIncidentRoute, incidentEvidenceRoute, incidentStatusRoute, listIncidentsRoute, openIncidentRoute } from './incidents.js';
import { createKeyRoute, createOrgRoute, revokeKeyRoute } from './orgs.js';
import { USER_ROUTES } from './users.js';
import { KB_ROUTES } from './kb.js';
import { getLogTemplateRoute, listLogTemplatesRoute } from './log-templates.js';
import { metricSeriesRoute } from './metrics.js';
import { POLICY_ROUTES } from './policies.js';
import { SANDBOX_ROUTES } from './sandbox.js';
import { signingKeyRoute } from './signing-key.js';
import { ingestRoute } from './signals.js';
import { incidentFixPlansRoute, incidentTimelineRoute } from './timeline.js';
import { getTopologyRoute, putTopologyRoute } from './topology.js';
import { getVerificationRoute, verifyRoute } from './verify.js';

export const ALL_ROUTES: AnyRoute[] = [
  createOrgRoute,
  createKeyRoute,
  revokeKeyRoute,
  ...USER_ROUTES,
  ingestRoute,
  listChangesRoute,
  metricSeriesRoute,
  listLogTemplatesRoute,
  getLogTemplateRoute,
  listAnomaliesRoute,
  getAnomalyRoute,
  getChangeRoute,
  putTopologyRoute,
  getTopologyRoute,
  createConnectorRoute,
  listConnectorsRoute,
  openIncidentRoute,
  listIncidentsRoute,
  getIncidentRoute,
  incidentEvidenceRoute,
  incidentStatusRoute,
  analyzeIncidentRoute,
  getAnalysisRoute,
  incidentTimelineRoute,
  incidentFixPlansRoute,
  planRoute,
  preflightRoute,
  approveRoute,
  executeRoute,
  abandonRoute,
  getPlanRoute,
  renderPlanRoute,
  gitopsPullRequestRoute,
  verifyRoute,
  getVerificationRoute,
  ...POLICY_ROUTES,
  listAuditRoute,
  verifyAuditRoute,
  signingKeyRoute,
  ...KB_ROUTES,
  askAgentRoute,
  ...SANDBOX_ROUTES,
] as AnyRoute[];
