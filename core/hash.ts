/** Content-derived ids: the same content always gives the same id (re-runs store nothing new). */
import { createHash } from 'node:crypto';

/** JSON with sorted keys and `undefined` fields dropped: equal content, equal text. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}

/** `prefix` + 26 hex digits of the SHA-256 of the parts (NUL-separated, so parts cannot run together). */
export const contentId = (prefix: string, ...parts: string[]): string => prefix + createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 26);
