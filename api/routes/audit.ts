/** The org's audit chain: read it, and verify it and its commands' signatures end to end. */
import { z } from 'zod';
import type { AuditEntry } from '../../core/schemas.js';
import { readAudit, verifyAudit } from '../../usecases/audit.js';
import { route } from '../context.js';
import { runUseCase } from '../session.js';

const AuditView = z.object({
  seq: z.number().int(),
  ts: z.string(),
  actor: z.string(),
  action: z.string(),
  target: z.string(),
  payload: z.record(z.string(), z.unknown()),
  prev_hash: z.string(),
  hash: z.string(),
  digest: z.string().nullable().describe('SHA-256 of the content; null on entries written before migration 017'),
  sig: z.string().nullable().describe('HMAC-SHA256 of the content under the audit key (never held by the database); null when written without a key'),
});
const auditView = (e: AuditEntry): z.infer<typeof AuditView> => ({
  seq: e.seq,
  ts: e.ts,
  actor: e.actor,
  action: e.action,
  target: e.target,
  payload: e.payload,
  prev_hash: e.prevHash,
  hash: e.hash,
  digest: e.digest ?? null,
  sig: e.sig ?? null,
});

export const listAuditRoute = route({
  method: 'get',
  path: '/v1/audit',
  summary: "The org's audit log, oldest first",
  tag: 'audit',
  scope: 'admin',
  query: z.object({ after_seq: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(1000).default(100) }),
  response: { status: 200, schema: z.object({ entries: z.array(AuditView) }), description: 'Entries after `after_seq`' },
  handler: (ctx) => runUseCase(ctx, (s) => readAudit(s, { afterSeq: ctx.query.after_seq, limit: ctx.query.limit }), (entries) => ({ status: 200, body: { entries: entries.map(auditView) } })),
});

export const verifyAuditRoute = route({
  method: 'get',
  path: '/v1/audit/verify',
  summary: "Verify the org's hash chain and its commands' signatures",
  tag: 'audit',
  scope: 'admin',
  response: {
    status: 200,
    schema: z.object({
      ok: z.boolean(),
      entries: z.number().int(),
      checkpoint: z.object({ seq: z.number().int(), at: z.string() }).nullable().describe('The latest signed checkpoint the chain was checked against'),
      summary: z.object({
        keyed: z.number().int().describe('Entries signed with the audit key'),
        unchecked: z.number().int().describe('Signed entries not checked (no key)'),
        unkeyed: z.number().int().describe('Entries written without a key'),
        since_checkpoint: z.number().int().nullable().describe('Entries after the checkpoint'),
      }),
      problems: z.array(z.object({ seq: z.number(), problem: z.string(), detail: z.string() })).describe("The chain's problems"),
      commands: z
        .object({
          ok: z.boolean(),
          key_id: z.string().nullable().describe('The signing key checked against (GET /v1/signing-key); null: this instance signs nothing'),
          key_problem: z.string().nullable().describe('Set when the audit key does not vouch for that key (swapped in, or made under another audit key)'),
          commands: z.number().int().describe('Commands the org recorded'),
          verified: z.number().int().describe('Commands whose signature verifies'),
          problems: z.array(
            z.object({
              id: z.string(),
              plan_id: z.string(),
              problem: z.enum(['unsigned', 'unknown_key', 'bad_signature']),
              detail: z.string(),
            }),
          ),
        })
        .describe('Every command a runner executed, checked against its Ed25519 signature, as `warroom audit verify` checks them'),
    }),
    description: 'ok is false when any row was edited, forged, inserted or deleted, the chain was rewound past its checkpoint, or a command is unsigned, signed with another key or changed since',
  },
  handler: (ctx) =>
    runUseCase(ctx, (s) => verifyAudit(s), (r) => {
      const org = r.commands.orgs[0] ?? { commands: 0, verified: 0, problems: [] };
      return {
        status: 200,
        body: {
          ok: r.ok,
          entries: r.entries,
          checkpoint: r.checkpoint,
          summary: { keyed: r.summary.keyed, unchecked: r.summary.unchecked, unkeyed: r.summary.unkeyed, since_checkpoint: r.summary.sinceCheckpoint },
          problems: r.problems,
          commands: {
            ok: r.commands.keyProblem === null && org.problems.length === 0,
            key_id: r.commands.key?.keyId ?? null,
            key_problem: r.commands.keyProblem,
            commands: org.commands,
            verified: org.verified,
            problems: org.problems.map((p) => ({ id: p.id, plan_id: p.planId, problem: p.problem, detail: p.detail })),
          },
        },
      };
    }),
});
