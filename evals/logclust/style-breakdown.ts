/**
 * Per-style breakdown of the system-style systems (development data since the fifth generator,
 * infra.ts, took over as the final check): for each style, the share of its lines that ours and
 * Drain group exactly right (a line counts when its group holds exactly its event's lines), and
 * how its events err (split over groups, merged with another event).
 *
 *   npx tsx evals/logclust/style-breakdown.ts [--show style]   (--show prints wrong groups' samples)
 */
import { DRAIN_DEFAULTS, drainGroups } from '../baselines/drain.js';
import { STYLE_SEEDS } from './heldout.js';
import { clusterIds } from './score.js';
import { styleSystem } from './styles.js';

/** Which lines a clustering groups exactly right. */
function rightLines(pred: readonly string[], truth: readonly string[]): boolean[] {
  const byPred = new Map<string, number[]>();
  pred.forEach((p, i) => byPred.set(p, [...(byPred.get(p) ?? []), i]));
  const size = new Map<string, number>();
  for (const t of truth) size.set(t, (size.get(t) ?? 0) + 1);
  const ok = new Array<boolean>(pred.length).fill(false);
  for (const g of byPred.values()) if (g.every((i) => truth[i] === truth[g[0]]) && size.get(truth[g[0]]) === g.length) for (const i of g) ok[i] = true;
  return ok;
}

const at = process.argv.indexOf('--show');
const show = at >= 0 ? process.argv[at + 1] : undefined;
const tally = new Map<string, { lines: number; ours: number; drain: number; events: number; split: number; merged: number }>();
for (const seed of STYLE_SEEDS) {
  const s = styleSystem(seed);
  const ours = clusterIds(s.lines);
  const drain = drainGroups(s.lines, DRAIN_DEFAULTS).map(String);
  const okO = rightLines(ours, s.events);
  const okD = rightLines(drain, s.events);
  const groupsOf = new Map<string, Set<string>>();
  const eventsOf = new Map<string, Set<string>>();
  s.events.forEach((e, i) => {
    groupsOf.set(e, (groupsOf.get(e) ?? new Set()).add(ours[i]));
    eventsOf.set(ours[i], (eventsOf.get(ours[i]) ?? new Set()).add(e));
  });
  s.lines.forEach((_, i) => {
    const st = s.eventStyle[s.events[i]];
    const t = tally.get(st) ?? { lines: 0, ours: 0, drain: 0, events: 0, split: 0, merged: 0 };
    t.lines++;
    if (okO[i]) t.ours++;
    if (okD[i]) t.drain++;
    tally.set(st, t);
  });
  for (const [e, gs] of groupsOf) {
    const t = tally.get(s.eventStyle[e])!;
    t.events++;
    if (gs.size > 1) t.split++;
    if ([...gs].some((g) => eventsOf.get(g)!.size > 1)) t.merged++;
    if (show === s.eventStyle[e] && (gs.size > 1 || [...gs].some((g) => eventsOf.get(g)!.size > 1))) {
      const idx = s.events.map((x, i) => (x === e ? i : -1)).filter((i) => i >= 0);
      console.log(`seed ${seed} ${e}: ${idx.length} lines in ${gs.size} groups${[...gs].some((g) => eventsOf.get(g)!.size > 1) ? ' (merged with another event)' : ''}`);
      for (const i of idx.slice(0, 4)) console.log(`   [${ours[i]}] ${s.lines[i]}`);
    }
  }
}
console.log('style       lines   ours   Drain  events split merged');
for (const [st, t] of [...tally].sort()) console.log(`${st.padEnd(11)} ${String(t.lines).padStart(6)}  ${(t.ours / t.lines).toFixed(3)}  ${(t.drain / t.lines).toFixed(3)}  ${String(t.events).padStart(5)} ${String(t.split).padStart(5)} ${String(t.merged).padStart(5)}`);
