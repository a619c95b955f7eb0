/**
 * Text normalisation shared by chunking, the local embedder and query building: identifier
 * splitting (camelCase, snake_case, kebab-case), tokens, an English stop list and a light
 * suffix-stripping stemmer. Pure functions.
 */

/**
 * Splits compound identifiers into words, keeping the original as well, e.g.
 * `KubePodCrashLooping` → `KubePodCrashLooping Kube Pod Crash Looping`,
 * `kube_pod_status_ready` → `kube_pod_status_ready kube pod status ready`.
 * Alert names, metric names and labels are written this way, while alert descriptions and
 * questions use the words: both forms must meet in the index.
 */
export function splitIdentifiers(text: string): string {
  return text.replace(/[A-Za-z][A-Za-z0-9]*(?:[_.-][A-Za-z0-9]+)*/g, (tok) => {
    const parts = identifierParts(tok);
    return parts.length > 1 ? `${tok} ${parts.join(' ')}` : tok;
  });
}

/** Like splitIdentifiers, but only the words: `KubeletDown` → `Kubelet Down` (for titles). */
export function identifierWords(text: string): string {
  return text.replace(/[A-Za-z][A-Za-z0-9]*(?:[_.-][A-Za-z0-9]+)*/g, (tok) => identifierParts(tok).join(' '));
}

/**
 * Hash-like tokens (pod suffixes, ids: `7d9f8b6c5`, `x2kqp`): five or more characters mixing
 * letters and at least two digits. They name one object, never a topic.
 */
export const isNoiseToken = (w: string): boolean => w.length >= 5 && /[a-z]/.test(w) && /\d.*\d/.test(w);

/** The words of one identifier: `HTTPRequestsTotal` → [HTTP, Requests, Total]. */
export function identifierParts(tok: string): string[] {
  return tok
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_.-]+/)
    .filter((p) => p.length > 0);
}

/** Common English function words; they carry no topic. */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below between both but by can could ' +
    'did do does doing during each few for from further had has have having he her here hers him his how i if in into is it its ' +
    'itself just me more most my now of on once only or other our ours over own same she should so some such than ' +
    'that the their theirs them then there these they this those through to too under until very was we were what when where ' +
    'which while who whom why will with would you your yours also may might must shall via per within without e g eg ie etc'
  ).split(' '),
);

/** Lower-cased word tokens of `text` after identifier splitting (letters and digits). */
export function words(text: string): string[] {
  return splitIdentifiers(text).toLowerCase().match(/[a-z0-9]+/g) ?? [];
}

const VOWEL = /[aeiouy]/;

/**
 * A light English stemmer (inflections and a few derivational suffixes), enough to make
 * "reloading", "reloads" and "reloaded" meet. Not Porter's: it only strips what is common in
 * operational prose, and never shortens a stem below three letters.
 */
export function stem(w: string): string {
  if (w.length <= 3 || /\d/.test(w)) return w;
  let s = w;
  if (s.endsWith('sses')) s = s.slice(0, -2);
  else if (s.endsWith('ies') && s.length > 4) s = `${s.slice(0, -3)}y`;
  else if (s.endsWith('s') && !s.endsWith('ss') && !s.endsWith('us') && !s.endsWith('is')) s = s.slice(0, -1);
  for (const suf of ['ations', 'ation', 'ings', 'ing', 'edly', 'ed', 'ers', 'er', 'ment', 'ness', 'ity', 'ly', 'ive', 'able', 'ible', 'al']) {
    if (s.endsWith(suf) && s.length - suf.length >= 3 && VOWEL.test(s.slice(0, -suf.length))) {
      s = s.slice(0, -suf.length);
      // "running" → "runn" → "run"; "failed" → "fail"
      if (s.length > 3 && s[s.length - 1] === s[s.length - 2] && !/[lsz]/.test(s[s.length - 1])) s = s.slice(0, -1);
      break;
    }
  }
  if (s.endsWith('e') && s.length > 4) s = s.slice(0, -1);
  if (s.endsWith('y') && s.length > 4) s = `${s.slice(0, -1)}i`;
  return s;
}

/** Content terms: words minus stop words, stemmed. */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    if (w.length < 2 || STOPWORDS.has(w) || isNoiseToken(w)) continue;
    out.push(stem(w));
  }
  return out;
}
