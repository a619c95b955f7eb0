/** GET /v1/incidents/{id}/analysis: the latest stored analysis, in the view POST …/analyze answers with. */
import { getAnalysis } from '../../usecases/analyses.js';
import { route } from '../context.js';
import { runUseCase } from '../session.js';
import { AnalysisView, analysisView } from './analyze.js';

const StoredAnalysisView = AnalysisView.extend({ stored_at: AnalysisView.shape.window.shape.from.describe('When it was stored, or last computed again with the same result') });

export const getAnalysisRoute = route({
  method: 'get',
  path: '/v1/incidents/:id/analysis',
  summary: 'The latest stored analysis of an incident (nothing is recomputed)',
  tag: 'incidents',
  scope: 'read',
  response: { status: 200, schema: StoredAnalysisView, description: 'The analysis as POST /v1/incidents/{id}/analyze answered it, read back from the store' },
  errors: [404],
  handler: (ctx) => runUseCase(ctx, (s) => getAnalysis(s, ctx.params.id), (a) => ({ status: 200, body: { ...analysisView(a), stored_at: a.storedAt } })),
});
