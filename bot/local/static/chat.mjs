/* The local war room page: sign in with an API key, incidents live, a room's thread and chat,
 * Approve / Reject, the timeline and a metric chart. Vanilla, no build step, works offline.
 * Text from the server goes in with textContent; the only HTML inserted is the card fragments
 * the server rendered and escaped (bot/cards/html.ts). */
/* global document, window, sessionStorage, AbortController, setTimeout, clearTimeout, setInterval, clearInterval, URLSearchParams, CSS, HTMLFormElement */

import { loadChart, loadTimeline } from './side.mjs';
import { readEvents, readLines } from './stream.mjs';
import { ago, el, time } from './view.mjs';

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
  // a card's link (#incident=ID, or #plan=ID: the plan's incident)
  const hash = new URLSearchParams(window.location.hash.slice(1));
  const wantedPlan = hash.get('plan');
  const plan = wantedPlan ? await json(`/v1/fix/plans/${encodeURIComponent(wantedPlan)}`) : null;
  const wanted = plan?.status === 200 ? plan.body.plan?.incident_id ?? plan.body.incident_id : hash.get('incident');
  if (wanted) openRoom(wanted);
  else if (wantedPlan) notice(detail(plan?.body, `Plan ${wantedPlan} was not found.`), 'info');
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
    await readEvents(res, onEvent);
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
    const isCurrent = (x) => state.current === x;
    loadTimeline(json, id, isCurrent).catch(() => undefined);
    loadChart(json, id, isCurrent).catch(() => undefined);
  }, 300);
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
