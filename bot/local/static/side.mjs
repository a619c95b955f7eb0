/* The room's side panels: the incident's timeline and a chart of the top suspect's metric
 * around the onset (GET /v1/incidents/{id}/timeline, …/analysis, /v1/metrics/series). `json` is
 * the page's authenticated fetcher; `isCurrent(id)` drops answers for a room already left. */
/* global document, URLSearchParams */
import { chart, el, time } from './view.mjs';

const detail = (b, fallback) => (b && (b.detail || b.title)) || fallback;

export async function loadTimeline(json, id, isCurrent) {
  const r = await json(`/v1/incidents/${encodeURIComponent(id)}/timeline?limit=200`);
  if (!isCurrent(id)) return;
  const ol = document.getElementById('timeline');
  ol.replaceChildren();
  if (r.status !== 200) {
    ol.append(el('li', 'empty', detail(r.body, 'No timeline.')));
    return;
  }
  const events = r.body.events.slice(-60);
  if (r.body.events.length > events.length) ol.append(el('li', 'empty', `${r.body.events.length - events.length} earlier events not shown`));
  for (const ev of events) {
    const li = el('li', `tl tl-${ev.kind}`, '');
    const t = el('time', 'stamp', time(ev.at));
    t.dateTime = ev.at;
    // evidence sits at when what it saw happened; say when the analysis recorded it
    const recorded = ev.recorded_at ? ` · recorded ${time(ev.recorded_at)}` : '';
    if (recorded) t.title = `recorded ${ev.recorded_at}`;
    li.append(t, el('span', 'kind', ev.kind.replace(/_/g, ' ') + recorded), el('span', 'what', ev.summary));
    ol.append(li);
  }
  if (!events.length) ol.append(el('li', 'empty', 'Nothing yet.'));
}

export async function loadChart(json, id, isCurrent) {
  const box = document.getElementById('chart');
  const a = await json(`/v1/incidents/${encodeURIComponent(id)}/analysis`);
  if (!isCurrent(id)) return;
  if (a.status !== 200) {
    box.replaceChildren(el('p', 'empty', 'No analysis yet: type "analyze" to rank the suspects; the chart follows the top one.'));
    return;
  }
  const an = a.body;
  const service = (an.hypotheses[0] && an.hypotheses[0].service) || (an.ranking[0] && an.ranking[0].service);
  const anomalies = an.anomalies.filter((x) => x.service === service && !x.instance).sort((x, y) => y.score - x.score);
  const metric = (anomalies[0] && anomalies[0].metric) || (an.anomalies.find((x) => x.service === service) || {}).metric;
  if (!service || !metric) {
    box.replaceChildren(el('p', 'empty', 'The analysis found no moving metric to chart.'));
    return;
  }
  const onset = Date.parse(an.window.started_at);
  const from = new Date(onset - 30 * 60_000).toISOString();
  const to = new Date(onset + 30 * 60_000).toISOString();
  const q = new URLSearchParams({ service, metric, from, to, max_points: '60' });
  const s = await json(`/v1/metrics/series?${q}`);
  if (!isCurrent(id)) return;
  if (s.status !== 200 || !s.body.points.length) {
    box.replaceChildren(el('p', 'empty', detail(s.body, `No points for ${service} ${metric}.`)));
    return;
  }
  // Up to the last point when the incident is younger than half an hour (no empty right half),
  // but always a few minutes past the onset so it shows.
  const last = Date.parse(s.body.points[s.body.points.length - 1].t) + s.body.step_seconds * 1000;
  const end = Math.min(Date.parse(to), Math.max(last, onset + 5 * 60_000));
  box.replaceChildren(el('p', 'chart-title', `${service} · ${metric} (top suspect)`), chart(s.body.points, onset, Date.parse(from), end));
}
