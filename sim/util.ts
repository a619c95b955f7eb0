/**
 * Small pure helpers of the sandbox: duration texts, seeded sub-streams, gaussian noise and cheap
 * string formatting (lookup tables instead of per-call padding or regex work: the log generator
 * calls these hundreds of thousands of times per second).
 */
import { seededRng, type Rng } from '../core/rng.js';

/** 5_400_000 → "1h30m"; used in titles and summaries. */
export function formatDuration(ms: number): string {
  if (ms % 86_400_000 === 0 && ms > 0) return `${ms / 86_400_000}d`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return [h ? `${h}h` : '', m ? `${m}m` : '', s || (!h && !m) ? `${s}s` : ''].join('');
}

/** FNV-1a over a string: a stable 32-bit seed for named sub-streams. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** An independent random stream per purpose, so adding log lines never shifts metric noise. */
export function subRng(seed: number, name: string): Rng {
  return seededRng((hash32(name) ^ Math.imul(seed >>> 0, 0x9e3779b1)) >>> 0);
}

/** Standard normal draw (Box-Muller; one value per call keeps the stream position predictable). */
export function gauss(rng: Rng): number {
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

export const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

// ---- fast formatting ------------------------------------------------------------------

/** "0000".."ffff" for every 16-bit value. */
const HEX4: string[] = Array.from({ length: 65536 }, (_, i) => i.toString(16).padStart(4, '0'));
/** "0".."9999". */
const DEC: string[] = Array.from({ length: 10000 }, (_, i) => String(i));
/** "000".."999" (milliseconds). */
export const PAD3: string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
/** "00".."99". */
export const PAD2: string[] = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

/** 8 hex characters from the stream. */
export function hex8(rng: Rng): string {
  const v = (rng() * 4294967296) >>> 0;
  return HEX4[v >>> 16] + HEX4[v & 0xffff];
}

/** An integer as text, using the table below 10,000. */
export function dec(n: number): string {
  return n >= 0 && n < 10000 ? DEC[n] : String(n);
}

/** A uniform integer in [lo, hi]. */
export function randInt(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

export function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[Math.floor(rng() * xs.length)];
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Timestamp texts for one second, computed once per second and reused for every line in it:
 * `iso` "2026-03-02T13:00:05" (append ".mmmZ"), `dt` "2026-03-02 13:00:05" (append ".mmm"),
 * `clf` "02/Mar/2026:13:00:05 +0000" (nginx access log), `rdt` (Redis).
 */
export interface SecondTexts {
  iso: string;
  dt: string;
  clf: string;
  /** Redis: "02 Mar 2026 13:00:05". */
  rdt: string;
}

export function secondTexts(epochSecond: number): SecondTexts {
  const d = new Date(epochSecond * 1000);
  const y = d.getUTCFullYear();
  const mo = PAD2[d.getUTCMonth() + 1];
  const da = PAD2[d.getUTCDate()];
  const time = `${PAD2[d.getUTCHours()]}:${PAD2[d.getUTCMinutes()]}:${PAD2[d.getUTCSeconds()]}`;
  return {
    iso: `${y}-${mo}-${da}T${time}`,
    dt: `${y}-${mo}-${da} ${time}`,
    clf: `${da}/${MONTHS[d.getUTCMonth()]}/${y}:${time} +0000`,
    rdt: `${da} ${MONTHS[d.getUTCMonth()]} ${y} ${time}`,
  };
}

/** ISO text of an epoch-millisecond time, through a one-second cache. */
export class IsoClock {
  private sec = -1;
  private texts: SecondTexts = secondTexts(0);
  at(ms: number): SecondTexts {
    const s = Math.floor(ms / 1000);
    if (s !== this.sec) {
      this.sec = s;
      this.texts = secondTexts(s);
    }
    return this.texts;
  }
  iso(ms: number): string {
    return `${this.at(ms).iso}.${PAD3[((ms % 1000) + 1000) % 1000]}Z`;
  }
}

/** A number from a config or params value ("80" and 80 alike), or the default. */
export function num(v: unknown, d: number): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return d;
}
