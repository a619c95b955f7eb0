/** Free phrasing → intent, topic and the service named. */
import { describe, expect, it } from 'vitest';
import { classify, incidentIdsIn, serviceMention, suspectMention, topicOf } from './intents.js';

describe('classify', () => {
  it.each([
    ["what's going on with checkout?", 'status'],
    ['any update on payments', 'status'],
    ['is there a problem with billing?', 'status'],
    ['why is 01JTEST0000000000000000001 failing', 'root_cause'],
    ['what is the root cause', 'root_cause'],
    ['why is it so slow', 'root_cause'],
    ['why not payments?', 'why_service'],
    ['could it be the database?', 'why_service'],
    ['what changed in the last hour', 'changes'],
    ['any deploys recently?', 'changes'],
    ['what happened', 'timeline'],
    ['give me the timeline', 'timeline'],
    ['any runbook for disk full?', 'runbook'],
    ['how do I rotate the logs', 'runbook'],
    ['show me the logs for checkout', 'logs'],
    ['plot the p95 latency', 'metric'],
    ['have we seen this before?', 'similar'],
    ['draft a fix plan', 'fix_plan'],
    ['write a summary for stakeholders', 'summary'],
    ['list incidents', 'list'],
    ['sing me a song', 'help'],
  ])('%s → %s', (q, intent) => expect(classify(q)).toBe(intent));
});

describe('entities', () => {
  it('finds incident ids in any case, anywhere', () => {
    expect(incidentIdsIn('hey, 01jtest0000000000000000001 is it bad?')).toEqual(['01JTEST0000000000000000001']);
    expect(incidentIdsIn('INC-42 and abc')).toEqual([]);
  });
  it.each([
    ['any runbook for disk full?', 'disk full'],
    ['how do I restart kafka-broker?', 'restart kafka-broker'],
    ['runbook?', ''],
  ])('topic of %s is %s', (q, t) => expect(topicOf(q)).toBe(t));
  it('reads the service a question names or suspects', () => {
    expect(serviceMention("what's going on with checkout?")).toBe('checkout');
    expect(suspectMention('why not payments?')).toBe('payments');
    expect(suspectMention('why is it so slow')).toBeNull();
    expect(serviceMention('status')).toBeNull();
  });
});
