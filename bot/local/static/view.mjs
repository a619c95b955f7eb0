/* The page's small view helpers: elements with text (never HTML), times, and the SVG metric
 * chart drawn by hand (avg line, min–max band, onset rule), no library. */
/* global document */

export function el(tag, cls, text) {
  const n = document.createElement(tag);
  if (cls) n.className = cls;
  if (text !== undefined) n.textContent = text;
  return n;
}
export const time = (iso) => (iso ? new Date(iso).toISOString().slice(11, 19) : '');
export const fmt = (v) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(1) : v.toFixed(3));
export function ago(iso) {
  const s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  return s < 60 ? `${Math.floor(s)}s ago` : s < 3600 ? `${Math.floor(s / 60)}m ago` : s < 86400 ? `${Math.floor(s / 3600)}h ago` : `${Math.floor(s / 86400)}d ago`;
}

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attrs, text) {
  const n = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
  if (text !== undefined) n.textContent = text;
  return n;
}

/** avg as a line, min–max as a band, the onset as a dashed rule; no library. */
export function chart(points, onset, from, to) {
  const W = 320, H = 160, L = 44, R = 8, T = 8, B = 22;
  const lo = Math.min(...points.map((p) => p.min));
  const hi = Math.max(...points.map((p) => p.max));
  const span = hi - lo || Math.abs(hi) || 1;
  const x = (t) => L + ((t - from) / (to - from)) * (W - L - R);
  const y = (v) => T + (1 - (v - lo) / span) * (H - T - B);
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart-svg', role: 'img', 'aria-label': `min ${fmt(lo)}, max ${fmt(hi)}` });
  const band = points.map((p) => `${x(Date.parse(p.t)).toFixed(1)},${y(p.max).toFixed(1)}`).concat(points.slice().reverse().map((p) => `${x(Date.parse(p.t)).toFixed(1)},${y(p.min).toFixed(1)}`));
  root.append(
    svg('line', { x1: L, y1: H - B, x2: W - R, y2: H - B, class: 'axis' }),
    svg('line', { x1: L, y1: T, x2: L, y2: H - B, class: 'axis' }),
    svg('polygon', { points: band.join(' '), class: 'band' }),
    svg('polyline', { points: points.map((p) => `${x(Date.parse(p.t)).toFixed(1)},${y(p.avg).toFixed(1)}`).join(' '), class: 'line' }),
    svg('line', { x1: x(onset), y1: T, x2: x(onset), y2: H - B, class: 'onset' }),
    svg('text', { x: Math.min(x(onset) + 3, W - 40), y: T + 10, class: 'label onset-label' }, 'onset'),
    svg('text', { x: L - 4, y: T + 8, class: 'label', 'text-anchor': 'end' }, fmt(hi)),
    svg('text', { x: L - 4, y: H - B, class: 'label', 'text-anchor': 'end' }, fmt(lo)),
    svg('text', { x: L, y: H - 6, class: 'label' }, time(new Date(from).toISOString())),
    svg('text', { x: W - R, y: H - 6, class: 'label', 'text-anchor': 'end' }, time(new Date(to).toISOString())),
  );
  return root;
}
