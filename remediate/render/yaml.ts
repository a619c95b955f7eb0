/**
 * A small YAML writer for the plain data the renderers build (maps, lists, strings, numbers,
 * booleans): strings always double-quoted, keys plain only when YAML cannot misread them. Its input
 * passed remediate/commands.ts' validators, so no escaping beyond JSON's is ever needed.
 */
import { quoted } from './types.js';

export type Yaml = string | number | boolean | Yaml[] | { [key: string]: Yaml };

/** A map key as YAML reads it back: plain when unambiguous, else quoted (`timeout_ms.payments`, but `"on"`, `"1x"`). */
export const yamlKey = (k: string): string => (/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(k) && !/^(true|false|yes|no|on|off|null|y|n)$/i.test(k) ? k : quoted(k));

const scalar = (v: string | number | boolean) => (typeof v === 'string' ? quoted(v) : String(v));
const isScalar = (v: Yaml): v is string | number | boolean => typeof v !== 'object';

/** Lines of `v` indented by `depth` levels (two spaces each). */
export function yamlLines(v: Yaml, depth = 0): string[] {
  const pad = '  '.repeat(depth);
  if (isScalar(v)) return [pad + scalar(v)];
  if (Array.isArray(v)) {
    return v.flatMap((item) => {
      if (isScalar(item)) return [`${pad}- ${scalar(item)}`];
      const [first, ...rest] = yamlLines(item, depth + 1);
      return [`${pad}- ${first.trimStart()}`, ...rest];
    });
  }
  return Object.entries(v).flatMap(([k, item]) => (isScalar(item) ? [`${pad}${yamlKey(k)}: ${scalar(item)}`] : [`${pad}${yamlKey(k)}:`, ...yamlLines(item, depth + 1)]));
}

export const yaml = (v: Yaml): string => yamlLines(v).join('\n');
