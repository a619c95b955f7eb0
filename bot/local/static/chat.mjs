/* The local war room page: sign in with an API key, incidents live, a room's thread and chat,
 * Approve / Reject, the timeline and a metric chart. Vanilla, no build step, works offline.
 * Text from the server goes in with textContent; the only HTML inserted is the card fragments
 * the server rendered and escaped (bot/cards/html.ts). */
/* global document, window, sessionStorage, AbortController, TextDecoder, setTimeout, clearTimeout, setInterval, clearInterval, URLSearchParams, CSS, HTMLFormElement */

const KEY = 'warroom.key';
const $ = (id) => document.getElementById(id);
const state = { key: null, me: null, current: null, incidents: [], rooms: new Set(), unread: new Set(), events: null, refreshTimer: null, poll: null };

// ---- HTTP ------------------------------------------------------------------------------------

async function call(path, init = {}) {
  const headers = { authorization: `Bearer ${state.key}`, ...(init.body ? { 'content-type': 'application/json' } : {}), ...(init.headers || {}) };
  const res = await fetch(path, { ...init, headers });
  if (res.status === 401) {
    signOut('Your key was refused; sign in again.');
    throw new Error('unauthenticated');
  }
  return res;
}
async function json(path, init) {
  const res = await call(path, init);
  const body = await res.json().catch(() => ({}));
  return { status: res.status, body };
}
const detail = (b, fallback) => (b && (b.detail || b.title)) || fallback;

// ---- sign in ---------------------------------------------------------------------------------

async function signIn(key) {
  state.key = key;
  const r = await fetch('/chat/api/me', { headers: { authorization: `Bearer ${key}` } });
  const body = await r.json().catch(() => ({}));
  if (r.status !== 200) {
    state.key = null;
    sessionStorage.removeItem(KEY);
    showSignIn(detail(body, `Sign-in failed (${r.status}).`));
    return;
  }
  sessionStorage.setItem(KEY, key);
  state.me = body;
  $('who-text').textContent = `Signed in as ${body.user_id}${body.role ? ` (${body.role})` : ''} · org ${body.org_id}`;
  $('who').hidden = false;
  $('signin').hidden = true;
  $('app').hidden = false;
  await loadIncidents();
  connectEvents();
  // Rooms arrive as events; an incident below the war-room severity has none, so the list is also re-read now and then.
  clearInterval(state.poll);
  state.poll = setInterval(() => {
    if (state.key && !document.hidden) loadIncidents().catch(() => undefined);
  }, 20_000);
  const wanted = new URLSearchParams(window.location.hash.slice(1)).get('incident');
  if (wanted) openRoom(wanted);
}

function showSignIn(error) {
  $('app').hidden = true;
  $('who').hidden = true;
  $('signin').hidden = false;
  $('signin-error').textContent = error || '';
  $('key').focus();
}

function signOut(message) {
  sessionStorage.removeItem(KEY);
  state.key = null;
  state.current = null;
  clearInterval(state.poll);
  if (state.events) state.events.abort();
  showSignIn(message);
}

// ---- incidents -------------------------------------------------------------------------------

async function loadIncidents() {
  const [list, rooms] = await Promise.all([json('/v1/incidents?limit=50'), json('/chat/api/rooms')]);
  state.incidents = list.body.incidents || [];
  state.rooms = new Set((rooms.body.rooms || []).map((r) => r.incident_id));
  renderIncidents();
}

function renderIncidents() {
  const ul = $('incident-list');
  ul.replaceChildren();
  $('incident-empty').hidden = state.incidents.length > 0;
  for (const inc of state.incidents) {
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'incident';
    b.dataset.incidentId = inc.id;
    if (inc.id === state.current) b.setAttribute('aria-current', 'true');
    const sev = el('span', `sev sev-${inc.severity}`, inc.severity);
    const title = el('span', 'title', inc.title);
    const meta = el('span', 'meta', `${inc.service} · ${inc.status.replace(/_/g, ' ')} · ${ago(inc.opened_at)}`);
    b.append(sev, title, meta);
    if (state.rooms.has(inc.id)) b.append(el('span', 'badge', 'war room'));
    if (state.unread.has(inc.id)) b.append(el('span', 'badge unread', 'new'));
    b.addEventListener('click', () => openRoom(inc.id));
    li.append(b);
    ul.append(li);
  }
}

// ---- a room ----------------------------------------------------------------------------------

async function openRoom(id) {
  state.current = id;
  state.unread.delete(id);
  window.history.replaceState(null, '', `#incident=${encodeURIComponent(id)}`);
  renderIncidents();
  $('room-empty').hidden = true;
  $('room-head').hidden = false;
  const thread = $('thread');
  thread.replaceChildren();
  $('chart').replaceChildren(el('p', 'empty', 'Loading…'));
  $('timeline').replaceChildren(el('li', 'empty', 'Loading…'));
  const inc = await json(`/v1/incidents/${encodeURIComponent(id)}`);
  if (state.current !== id) return;
  if (inc.status === 200) {
    const i = inc.body;
    $('room-title').textContent = i.title;
    $('room-meta').textContent = `${i.id} · ${i.service} · ${i.severity} · ${i.status.replace(/_/g, ' ')} · started ${time(i.started_at)}`;
  } else {
    $('room-title').textContent = `Incident ${id}`;
    $('room-meta').textContent = detail(inc.body, 'Not found.');
  }
  // Joining opens the incident's room when it has none yet (a local room is only a view).
  const room = await json(`/chat/api/rooms/${encodeURIComponent(id)}/join`, { method: 'POST', body: '{}' });
  if (state.current !== id) return;
  if (room.status === 200) for (const m of room.body.messages) if (!document.querySelector(`li[data-message-id="${CSS.escape(m.id)}"]`)) renderMessage(m);
  if (room.status !== 200) notice(detail(room.body, 'This incident has no room here; commands still work (try status).'), 'info');
  refreshSide();
}

function renderMessage(m) {
  const thread = $('thread');
  const li = document.createElement('li');
  li.className = `msg msg-${m.kind}`;
  li.dataset.messageId = m.id;
  if (m.card_id) li.dataset.cardId = m.card_id;
  const stamp = el('time', 'stamp', time(m.updated_at));
  stamp.dateTime = m.updated_at;
  li.innerHTML = m.html; // rendered and escaped by the server (bot/cards/html.ts)
  li.prepend(stamp);
  const old = thread.querySelector(`li[data-message-id="${CSS.escape(m.id)}"]`);
  if (old) {
    old.replaceWith(li);
    li.classList.add('updated');
  } else thread.append(li);
  scrollDown();
}

/** A line only the signed-in person sees (replies to their commands, click answers). */
function notice(text, kind = 'reply', cards = []) {
  const li = document.createElement('li');
  li.className = `msg msg-private msg-${kind}`;
  li.append(el('p', 'private-text', text));
  for (const c of cards) {
    const div = document.createElement('div');
    div.className = 'private-card';
    div.innerHTML = c.html; // rendered and escaped by the server
    li.append(div);
  }
  $('thread').append(li);
  scrollDown();
  return li;
}

function scrollDown() {
  const t = $('thread');
  t.scrollTop = t.scrollHeight;
}

// ---- chat box --------------------------------------------------------------------------------

async function send(text) {
  const mine = document.createElement('li');
  mine.className = 'msg msg-mine';
  mine.append(el('p', '', text));
  $('thread').append(mine);
  scrollDown();
  const res = await call('/chat/api/command', {
    method: 'POST',
    headers: { accept: 'application/x-ndjson' },
    body: JSON.stringify({ text, ...(state.current ? { incident_id: state.current } : {}) }),
  });
  if (res.status !== 200) {
    const b = await res.json().catch(() => ({}));
    notice(detail(b, `The command was refused (${res.status}).`), 'refused');
    return;
  }
  let working = null;
  await readLines(res, (line) => {
    if (line.type === 'ack') {
      if (!line.ok) notice(line.reply, 'refused');
      else working = notice(`Working on ${line.command}…`, 'working');
    } else if (line.type === 'reply') {
      if (working) working.remove();
      notice(line.text, line.failed ? 'refused' : 'reply', line.cards || []);
      if (['analyze', 'plan', 'resolve', 'close', 'open'].includes(line.command || '')) refreshSide();
    }
  });
  loadIncidents().catch(() => undefined);
}

async function readLines(res, onLine) {
  const reader = res.body.getReader();
  const dec = new TextDecoder();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += dec.decode(value, { stream: true });
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i).trim();
      buf = buf.slice(i + 1);
      if (line) onLine(JSON.parse(line));
    }
  }
  if (buf.trim()) onLine(JSON.parse(buf));
}

// ---- card buttons ----------------------------------------------------------------------------

async function onCardSubmit(e) {
  const form = e.target;
  if (!(form instanceof HTMLFormElement) || !form.closest('.wr-card')) return;
  e.preventDefault();
  const button = e.submitter;
  if (!button || !button.dataset.actionValue) return;
  const inputs = {};
  for (const f of form.elements) if ((f.tagName === 'TEXTAREA' || f.tagName === 'INPUT') && f.name) inputs[f.name] = f.value.trim();
  const action = button.dataset.actionId;
  if (action === 'fix.reject' && !inputs.reason) {
    const reason = await ask('Reject this plan?', 'Say why: the reason is recorded with the rejection.', true);
    if (reason === null) return;
    inputs.reason = reason;
  } else if (button.dataset.confirm) {
    const ok = await ask(button.textContent, button.dataset.confirm, false);
    if (ok === null) return;
  }
  button.disabled = true;
  try {
    const r = await json('/chat/api/click', { method: 'POST', body: JSON.stringify({ value: button.dataset.actionValue, inputs, ...(state.current ? { incident_id: state.current } : {}) }) });
    const b = r.body;
    if (r.status !== 200) notice(detail(b, `The click was refused (${r.status}).`), 'refused');
    else notice(b.text, b.ok ? 'reply' : 'refused');
    if (b && b.card) replaceCard(b.card);
    refreshSide();
  } finally {
    button.disabled = false;
  }
}

/** Shows the updated card at once (the event stream brings the same for rooms). */
function replaceCard(card) {
  for (const node of document.querySelectorAll(`[data-card-id="${CSS.escape(card.card_id)}"]`)) {
    if (node.tagName !== 'ARTICLE') continue;
    const tmp = document.createElement('div');
    tmp.innerHTML = card.html;
    if (tmp.firstElementChild) node.replaceWith(tmp.firstElementChild);
  }
}

/** A modal question: resolves to the reason (withReason), true, or null when cancelled. */
function ask(title, text, withReason) {
  const d = $('confirm');
  $('confirm-title').textContent = title;
  $('confirm-text').textContent = text;
  $('confirm-reason-wrap').hidden = !withReason;
  $('confirm-reason').value = '';
  $('confirm-yes').textContent = withReason ? 'Reject' : title;
  $('confirm-yes').className = withReason ? 'wr-danger' : 'primary';
  return new Promise((resolve) => {
    d.addEventListener(
      'close',
      () => {
        if (d.returnValue !== 'ok') return resolve(null);
        if (!withReason) return resolve(true);
        const reason = $('confirm-reason').value.trim();
        resolve(reason ? reason : null);
        if (!reason) notice('A rejection needs a reason; nothing was sent.', 'refused');
      },
      { once: true },
    );
    d.showModal();
    if (withReason) $('confirm-reason').focus();
  });
}

// ---- live events -----------------------------------------------------------------------------

async function connectEvents(delay = 1000) {
  if (state.events) state.events.abort();
  const ctl = new AbortController();
  state.events = ctl;
  try {
    const res = await call('/chat/api/events', { signal: ctl.signal });
    if (res.status !== 200) throw new Error(`events: ${res.status}`);
    $('live').classList.add('on');
    delay = 1000;
    const reader = res.body.getReader();
    const dec = new TextDecoder();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const frame = buf.slice(0, i);
        buf = buf.slice(i + 2);
        let event = 'message';
        let data = '';
        for (const line of frame.split('\n')) {
          if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) data += line.slice(6);
        }
        if (data) onEvent(event, JSON.parse(data));
      }
    }
  } catch {
    if (ctl.signal.aborted) return;
  }
  $('live').classList.remove('on');
  if (state.key && state.events === ctl) setTimeout(() => connectEvents(Math.min(delay * 2, 10_000)), delay);
}

function onEvent(type, data) {
  if (type === 'room') {
    state.rooms.add(data.incident_id);
    loadIncidents().catch(() => undefined);
    // A newcomer watching the page sees the first war room open by itself.
    if (!state.current) openRoom(data.incident_id);
  } else if (type === 'message' || type === 'update') {
    if (data.incident_id === state.current) {
      renderMessage(data);
      if (data.card_kind === 'hypotheses' || data.card_kind === 'fix_plan' || data.card_kind === 'outcome') refreshSide();
    } else {
      state.unread.add(data.incident_id);
      renderIncidents();
    }
    if (data.card_kind === 'incident_summary') loadIncidents().catch(() => undefined);
  }
}

// ---- timeline and chart ----------------------------------------------------------------------

function refreshSide() {
  clearTimeout(state.refreshTimer);
  state.refreshTimer = setTimeout(() => {
    const id = state.current;
    if (!id) return;
    loadTimeline(id).catch(() => undefined);
    loadChart(id).catch(() => undefined);
  }, 300);
}

async function loadTimeline(id) {
  const r = await json(`/v1/incidents/${encodeURIComponent(id)}/timeline?limit=200`);
  if (state.current !== id) return;
  const ol = $('timeline');
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
    li.append(t, el('span', 'kind', ev.kind.replace(/_/g, ' ')), el('span', 'what', ev.summary));
    ol.append(li);
  }
  if (!events.length) ol.append(el('li', 'empty', 'Nothing yet.'));
}

async function loadChart(id) {
  const box = $('chart');
  const a = await json(`/v1/incidents/${encodeURIComponent(id)}/analysis`);
  if (state.current !== id) return;
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
  if (state.current !== id) return;
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

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attrs, text) {
  const n = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
  if (text !== undefined) n.textContent = text;
  return n;
}

/** avg as a line, min–max as a band, the onset as a dashed rule; no library. */
function chart(points, onset, from, to) {
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

// ---- small helpers ---------------------------------------------------------------------------

function el(tag, cls, text) {
  const n = document.createElement(tag);
  if (cls) n.className = cls;
  if (text !== undefined) n.textContent = text;
  return n;
}
const time = (iso) => (iso ? new Date(iso).toISOString().slice(11, 19) : '');
const fmt = (v) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(1) : v.toFixed(3));
function ago(iso) {
  const s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  return s < 60 ? `${Math.floor(s)}s ago` : s < 3600 ? `${Math.floor(s / 60)}m ago` : s < 86400 ? `${Math.floor(s / 3600)}h ago` : `${Math.floor(s / 86400)}d ago`;
}

// ---- start -----------------------------------------------------------------------------------

$('signin-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const key = $('key').value.trim();
  if (key) signIn(key).catch((err) => showSignIn(String(err && err.message)));
});
$('sign-out').addEventListener('click', () => signOut(''));
$('chat-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const input = $('chat-input');
  const text = input.value.trim();
  if (!text) return;
  input.value = '';
  send(text).catch((err) => notice(`Could not send: ${err && err.message}`, 'refused'));
});
document.addEventListener('submit', (e) => {
  onCardSubmit(e).catch((err) => notice(`The click failed: ${err && err.message}`, 'refused'));
});

const saved = sessionStorage.getItem(KEY);
if (saved) signIn(saved).catch(() => showSignIn('')); else showSignIn('');
