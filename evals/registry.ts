/** Every eval suite, in one list. Later issues add detection, RCA, knowledge, agent and remediation suites. */
import type { Suite } from './harness.js';
import { agentSuite } from './suites/agent.js';
import { detectSandboxSuite } from './suites/detect-sandbox.js';
import { detectSyntheticSuite } from './suites/detect-synthetic.js';
import { ingestFuzzSuite } from './suites/ingest-fuzz.js';
import { kbSuite } from './suites/kb.js';
import { kbIncidentsSuite } from './suites/kb-incidents.js';
import { logclustSuite } from './suites/logclust.js';
import { loghubSuite } from './suites/loghub.js';
import { nabSuite } from './suites/nab.js';
import { pipelineSuite } from './suites/pipeline.js';
import { preflightSuite } from './suites/preflight.js';
import { rcaPublicSuite } from './suites/rca-public.js';
import { rcaSandboxSuite, rcaSandboxTracedSuite, rcaSuite } from './suites/rca-sandbox.js';
import { remediateChoiceSuite } from './suites/remediate-choice.js';
import { remediateSuite } from './suites/remediate.js';

export const SUITES: Suite[] = [pipelineSuite, logclustSuite, loghubSuite, nabSuite, detectSyntheticSuite, detectSandboxSuite, kbSuite, kbIncidentsSuite, rcaPublicSuite, rcaSandboxSuite, rcaSandboxTracedSuite, rcaSuite, remediateChoiceSuite, remediateSuite, preflightSuite, ingestFuzzSuite, agentSuite];
