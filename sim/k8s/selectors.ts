/**
 * Label and field selectors of list requests (`?labelSelector=app=payments`,
 * `?fieldSelector=involvedObject.name=payments-0`), as the API server reads them: comma-separated
 * requirements, all of which must hold. Labels: `k=v`, `k==v`, `k!=v`, `k`, `!k`, `k in (a,b)`,
 * `k notin (a,b)`. Fields: `path=v`, `path==v`, `path!=v` on the object's dotted path. Pure.
 */
import type { Json } from './patch.js';

/** Splits on commas outside parentheses. */
function requirements(sel: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of sel) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out.filter(Boolean);
}

export function matchesLabels(obj: { metadata: { [k: string]: Json } }, selector: string | undefined): boolean {
  if (!selector) return true;
  const labels = (obj.metadata.labels ?? {}) as Record<string, string>;
  return requirements(selector).every((r) => {
    let m = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(r);
    if (m) {
      const values = m[3].split(',').map((v) => v.trim());
      const has = m[1] in labels && values.includes(labels[m[1]]);
      return m[2] === 'in' ? has : !has;
    }
    m = /^([^\s!=]+)\s*(==|=|!=)\s*(\S*)$/.exec(r);
    if (m) return m[2] === '!=' ? labels[m[1]] !== m[3] : labels[m[1]] === m[3];
    if (r.startsWith('!')) return !(r.slice(1).trim() in labels);
    return r in labels;
  });
}

export function matchesField(obj: Json, selector: string | undefined): boolean {
  if (!selector) return true;
  return requirements(selector).every((r) => {
    const m = /^([^\s!=]+)\s*(==|=|!=)\s*(.*)$/.exec(r);
    if (!m) return false;
    let cur: Json | undefined = obj;
    for (const p of m[1].split('.')) cur = cur && typeof cur === 'object' && !Array.isArray(cur) ? cur[p] : undefined;
    const v = cur === undefined || cur === null ? '' : String(cur);
    return m[2] === '!=' ? v !== m[3] : v === m[3];
  });
}
