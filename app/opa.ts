/**
 * Open Policy Agent as the preflight's external policy (`OPA_URL`): the plan and who runs it go
 * to OPA's REST data API, `POST {OPA_URL}/v1/data/{OPA_POLICY_PATH}` with `{"input": …}`, and the
 * rule's value decides — `true`/`false`, or an object `{allow: boolean, reasons?: string[]}` (a
 * `deny` set of messages is read as reasons too). Anything else fails closed: no answer within
 * the timeout, a non-200, an undefined rule (`{}`: OPA's answer when the path has no value), a
 * value of another shape — each denies with what went wrong.
 */
import type { ExternalPolicy, ExternalPolicyDecision } from '../core/ports/index.js';

export interface OpaOptions {
  /** The OPA server, e.g. http://opa:8181 (no trailing path). */
  url: string;
  /** The rule's path under /v1/data, e.g. warroom/fix/allow. */
  path: string;
  /** Default 2 s: the preflight waits for it. */
  timeoutMs?: number;
  /** Sent as a bearer token when OPA is run with authentication. */
  token?: string;
  fetchImpl?: typeof fetch;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Reads OPA's result value as a decision, or null when it has no decision's shape. */
export function readOpaResult(result: unknown): { allowed: boolean; reasons: string[] } | null {
  if (typeof result === 'boolean') return { allowed: result, reasons: [] };
  if (typeof result === 'object' && result !== null && typeof (result as { allow?: unknown }).allow === 'boolean') {
    const r = result as { allow: boolean; reasons?: unknown; deny?: unknown };
    return { allowed: r.allow, reasons: [...strings(r.reasons), ...strings(r.deny)] };
  }
  return null;
}

export function openPolicyAgent(o: OpaOptions): ExternalPolicy {
  const endpoint = `${o.url.replace(/\/+$/, '')}/v1/data/${o.path.replace(/^\/+|\/+$/g, '')}`;
  const doFetch = o.fetchImpl ?? fetch;
  const timeoutMs = o.timeoutMs ?? 2000;
  const deny = (why: string): ExternalPolicyDecision => ({ allowed: false, reasons: [why], source: endpoint });
  return {
    async decide(input) {
      let res: Response;
      try {
        res = await doFetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(o.token ? { authorization: `Bearer ${o.token}` } : {}) },
          body: JSON.stringify({ input }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (e) {
        const err = e as Error;
        return deny(`OPA did not answer (${err.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : err.message}): denied until it does`);
      }
      const text = await res.text().catch(() => '');
      if (res.status !== 200) return deny(`OPA answered ${res.status}: ${text.slice(0, 300)}`);
      let body: { result?: unknown };
      try {
        body = JSON.parse(text) as { result?: unknown };
      } catch {
        return deny('OPA answered something that is not JSON');
      }
      if (!('result' in body)) return deny(`OPA has no value at ${o.path} (an undefined rule): denied`);
      const d = readOpaResult(body.result);
      if (!d) return deny(`OPA's value at ${o.path} is neither a boolean nor {allow: boolean}: denied`);
      return { ...d, source: endpoint };
    },
  };
}
