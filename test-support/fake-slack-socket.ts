/**
 * Slack's Socket Mode side, local: a WebSocket server (RFC 6455 by hand on node:http — text,
 * ping/pong and close frames are all Socket Mode uses) that greets with `hello`, sends envelopes
 * (`slash_commands`, `interactive`, `events_api`) and hands back the app's acknowledgement. The
 * fake Web API's `apps.connections.open` points the app here (fake-slack.ts `socketUrl`).
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export interface FakeSocketMode {
  /** The ws:// URL apps.connections.open answers. */
  url: string;
  /** Resolves when an app has connected and been greeted. */
  connected(): Promise<void>;
  /** Sends an envelope and resolves with the app's ack (`{envelope_id, payload?}`). */
  send(type: 'slash_commands' | 'interactive' | 'events_api', payload: Record<string, unknown>): Promise<{ envelope_id: string; payload?: Record<string, unknown> }>;
  close(): Promise<void>;
}

function frame(opcode: number, data: Buffer): Buffer {
  const len = data.length;
  const head = len < 126 ? Buffer.from([0x80 | opcode, len]) : len < 65536 ? Buffer.from([0x80 | opcode, 126, len >> 8, len & 255]) : Buffer.concat([Buffer.from([0x80 | opcode, 127]), bigLength(len)]);
  return Buffer.concat([head, data]);
}

function bigLength(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

/** Reads whole client frames (always masked) from the buffer; returns them and the unread rest. */
function readFrames(buf: Buffer): { frames: { opcode: number; data: Buffer }[]; rest: Buffer } {
  const frames: { opcode: number; data: Buffer }[] = [];
  let at = 0;
  while (buf.length - at >= 2) {
    const opcode = buf[at] & 0x0f;
    let len = buf[at + 1] & 0x7f;
    let p = at + 2;
    if (len === 126) {
      if (buf.length < p + 2) break;
      len = buf.readUInt16BE(p);
      p += 2;
    } else if (len === 127) {
      if (buf.length < p + 8) break;
      len = Number(buf.readBigUInt64BE(p));
      p += 8;
    }
    const masked = (buf[at + 1] & 0x80) !== 0;
    if (buf.length < p + (masked ? 4 : 0) + len) break;
    const mask = masked ? buf.subarray(p, p + 4) : null;
    p += masked ? 4 : 0;
    const data = Buffer.from(buf.subarray(p, p + len));
    if (mask) for (let i = 0; i < data.length; i++) data[i] ^= mask[i % 4];
    frames.push({ opcode, data });
    at = p + len;
  }
  return { frames, rest: buf.subarray(at) };
}

export async function startFakeSocketMode(): Promise<FakeSocketMode> {
  const server: Server = createServer((_req, res) => res.writeHead(426).end());
  const sockets = new Set<Socket>();
  const acks = new Map<string, (ack: { envelope_id: string; payload?: Record<string, unknown> }) => void>();
  let current: Socket | undefined;
  let onConnect: (() => void)[] = [];

  server.on('upgrade', (req, socket: Socket) => {
    const key = String(req.headers['sec-websocket-key'] ?? '');
    const accept = createHash('sha1').update(key + GUID).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    sockets.add(socket);
    current = socket;
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      const { frames, rest } = readFrames(Buffer.concat([pending, chunk]));
      pending = rest;
      for (const f of frames) {
        if (f.opcode === 0x9) socket.write(frame(0xa, f.data));
        else if (f.opcode === 0x8) socket.end(frame(0x8, f.data.subarray(0, 2)));
        else if (f.opcode === 0x1) {
          try {
            const msg = JSON.parse(f.data.toString('utf8')) as { envelope_id?: string; payload?: Record<string, unknown> };
            if (msg.envelope_id) acks.get(msg.envelope_id)?.({ envelope_id: msg.envelope_id, payload: msg.payload });
          } catch {
            /* not JSON: Socket Mode apps only send JSON acks */
          }
        }
      }
    });
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => sockets.delete(socket));
    socket.write(frame(0x1, Buffer.from(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake-socket', approximate_connection_time: 18060 }, connection_info: { app_id: 'A0001' } }))));
    for (const f of onConnect.splice(0)) f();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/link`;

  return {
    url,
    connected: () => (current ? Promise.resolve() : new Promise<void>((resolve) => onConnect.push(resolve))),
    send(type, payload) {
      if (!current) return Promise.reject(new Error('fake Socket Mode: no app connected'));
      const envelope_id = randomUUID();
      const acked = new Promise<{ envelope_id: string; payload?: Record<string, unknown> }>((resolve) => acks.set(envelope_id, resolve));
      current.write(frame(0x1, Buffer.from(JSON.stringify({ envelope_id, type, payload, accepts_response_payload: type !== 'events_api', retry_attempt: 0, retry_reason: '' }))));
      return acked;
    },
    async close() {
      onConnect = [];
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
