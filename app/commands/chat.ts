/**
 * `warroom chat [--incident ID] [--once TEXT] [--url URL --key KEY]`: the local war room's
 * conversation in a terminal. Each line goes to a running instance's POST /chat/api/command as
 * the key's user (the same bot, rules and replies as the web page, Slack and Teams); the
 * acknowledgement prints at once and the answer when it comes, cards in their terminal rendering
 * (bot/cards/plain.ts, done by the server). `--once` sends one line and exits (for scripts).
 * In the REPL, `:incident ID` (or --incident) enters an incident's room: its thread so far is
 * printed, then whatever the war room or other people post there as it comes; `:leave` leaves
 * it, `:quit` ends.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Config } from '../config.js';
import { routeDbCommand, type RemoteOptions } from './db-owner.js';

export interface ChatOptions extends RemoteOptions {
  incident?: string;
  once?: string;
  out?: (s: string) => void;
  err?: (s: string) => void;
  /** Lines typed (default stdin). */
  input?: Readable;
}

interface AckLine {
  type: 'ack';
  ok: boolean;
  command?: string;
  reply?: string;
}
interface RoomMessage {
  incident_id: string;
  kind: 'card' | 'text';
  card_kind: string | null;
  text: string;
  posted_at: string;
}
interface ReplyLine {
  type: 'reply';
  text: string;
  cards: { text: string }[];
  private?: boolean;
  failed?: boolean;
}

// Nothing the server sends may drive the terminal (escape sequences from a log line).
// eslint-disable-next-line no-control-regex -- the point is to match control characters
const clean = (s: string) => s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');

/** Exit code: 0 answered, 1 the instance refused or could not be reached (or the command failed), 2 bad usage. */
export async function runChat(cfg: Config, o: ChatOptions = {}): Promise<number> {
  const out = o.out ?? ((s: string) => void process.stdout.write(s));
  const err = o.err ?? ((s: string) => void process.stderr.write(s));
  let url: string;
  let key: string | undefined;
  if (o.url) {
    url = o.url.replace(/\/+$/, '');
    key = o.key ?? cfg.WARROOM_API_KEY;
  } else {
    // The instance holding the embedded database, else the one on this machine's PORT.
    const route = routeDbCommand(cfg, 'chat', o, true);
    if (route.kind === 'refused') return route.code;
    url = route.kind === 'remote' ? route.url : `http://127.0.0.1:${cfg.PORT}`;
    key = route.kind === 'remote' ? route.key : (o.key ?? cfg.WARROOM_API_KEY);
  }
  if (!key) {
    err('warroom chat: needs an API key: pass --key or set WARROOM_API_KEY (npm start prints the default org\'s key on its first start)\n');
    return 2;
  }
  let incident = o.incident;

  const send = async (text: string): Promise<number> => {
    let res: Response;
    try {
      res = await fetch(`${url}/chat/api/command`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', accept: 'application/x-ndjson' },
        body: JSON.stringify({ text, ...(incident ? { incident_id: incident } : {}) }),
      });
    } catch (e) {
      err(`warroom chat: cannot reach ${url}: ${(e as Error).message} (is \`warroom start\` running? --url names another instance)\n`);
      return 1;
    }
    if (res.status !== 200) {
      const b = (await res.json().catch(() => ({}))) as { detail?: string; title?: string };
      err(`warroom chat: ${url} answered ${res.status}${b.detail ? `: ${clean(b.detail)}` : ''}\n`);
      return res.status === 400 ? 2 : 1;
    }
    let code = 0;
    const body = await res.text();
    for (const raw of body.split('\n')) {
      if (!raw.trim()) continue;
      const line = JSON.parse(raw) as AckLine | ReplyLine;
      if (line.type === 'ack') {
        if (!line.ok) {
          out(`${clean(line.reply ?? 'That is not a command.')}\n`);
          code = 2;
        }
      } else {
        out(`${clean(line.text)}\n`);
        for (const c of line.cards) out(`\n${clean(c.text)}\n`);
        if (line.failed) code = 1;
      }
    }
    return code;
  };

  if (o.once !== undefined) return send(o.once);

  const rl = createInterface({ input: o.input ?? process.stdin, terminal: o.input === undefined && process.stdin.isTTY });
  const prompt = () => `warroom${incident ? ` ${incident}` : ''}> `;
  const auth = { authorization: `Bearer ${key}` };
  const printMessage = (m: RoomMessage, verb: string) => out(`\n[${m.posted_at.slice(11, 19)} ${verb}${m.card_kind ? ` ${m.card_kind.replace(/_/g, ' ')}` : ''}]\n${clean(m.text)}\n`);

  /** Enters an incident's room: its thread so far, then what is posted there as it comes. */
  const enter = async (id: string) => {
    incident = id;
    const r = await fetch(`${url}/chat/api/rooms/${encodeURIComponent(id)}/join`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{}' }).catch(() => undefined);
    const b = (await r?.json().catch(() => undefined)) as { messages?: RoomMessage[]; detail?: string } | undefined;
    if (r?.status === 200 && b?.messages) for (const m of b.messages) printMessage(m, 'posted');
    else out(`${clean(b?.detail ?? 'This incident has no room here; commands still work.')}\n`);
  };
  // The room's live messages (server-sent events read with fetch, which sends the key).
  const events = new AbortController();
  const following = (async () => {
    const res = await fetch(`${url}/chat/api/events`, { headers: auth, signal: events.signal });
    if (!res.ok || !res.body) return;
    const dec = new TextDecoder();
    let buf = '';
    for await (const chunk of res.body) {
      buf += dec.decode(chunk as Uint8Array, { stream: true });
      let i: number;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const frame = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const event = /^event: (.*)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (!data || (event !== 'message' && event !== 'update')) continue;
        const m = JSON.parse(data) as RoomMessage;
        if (m.incident_id === incident) {
          printMessage(m, event === 'update' ? 'updated' : 'posted');
          out(prompt());
        }
      }
    }
  })().catch(() => undefined);

  out(`Connected to ${url}. Type a command (help), a question in a room, :incident ID to enter an incident's room, :leave, :quit.\n`);
  if (incident) await enter(incident);
  out(prompt());
  for await (const lineRaw of rl) {
    const line = lineRaw.trim();
    if (line === ':quit' || line === ':q' || line === 'exit') break;
    if (line.startsWith(':incident')) {
      const id = line.split(/\s+/)[1];
      if (id) await enter(id);
      else out('usage: :incident ID\n');
    } else if (line === ':leave') incident = undefined;
    else if (line) await send(line);
    out(prompt());
  }
  rl.close();
  events.abort();
  await following;
  return 0;
}
