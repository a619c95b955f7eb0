/**
 * Durations as people write them in scenarios, chat commands and API bodies: one unit ("250ms",
 * "90s", "15m", "1.5h", "7d") or several, largest first ("1h30m", "1d2h", "2m30s"). One parser
 * for the sandbox's scenario files and the API's analysis window, so both read the same texts.
 */

const NUM = String.raw`(\d+(?:\.\d+)?)`;
// Each unit at most once, largest first; `m` before `ms` is resolved by backtracking ("5ms").
const DURATION = new RegExp(`^(?:${NUM}d)?(?:${NUM}h)?(?:${NUM}m)?(?:${NUM}s)?(?:${NUM}ms)?$`);
const UNIT_MS = [86_400_000, 3_600_000, 60_000, 1000, 1];

/**
 * The duration in milliseconds (rounded to a whole millisecond), or undefined when the text is
 * not a duration. "0s" is a duration (0): callers that need a positive one check for it.
 * @example parseDuration('1h30m') === 5_400_000; parseDuration('soon') === undefined
 */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m || m.slice(1).every((g) => g === undefined)) return undefined;
  let ms = 0;
  for (let i = 0; i < UNIT_MS.length; i++) if (m[i + 1] !== undefined) ms += Number(m[i + 1]) * UNIT_MS[i];
  return Math.round(ms);
}
