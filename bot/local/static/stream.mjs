/* Reading streamed responses with fetch: newline-delimited JSON (a command's acknowledgement,
 * then its reply) and server-sent events (EventSource cannot send the Authorization header). */
/* global TextDecoder */

/** Calls onFrame(text) for each piece of the stream ended by `sep` (and, with `rest`, for what is left at its end). */
async function readFrames(res, sep, onFrame, rest) {
  const reader = res.body.getReader();
  const dec = new TextDecoder();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += dec.decode(value, { stream: true });
    let i;
    while ((i = buf.indexOf(sep)) >= 0) {
      const frame = buf.slice(0, i);
      buf = buf.slice(i + sep.length);
      onFrame(frame);
    }
  }
  if (rest && buf.trim()) onFrame(buf);
}

/** Calls onLine(object) for each JSON line until the stream ends. */
export function readLines(res, onLine) {
  return readFrames(res, '\n', (line) => {
    if (line.trim()) onLine(JSON.parse(line));
  }, true);
}

/** Calls onEvent(type, data) for each server-sent event until the stream ends. */
export function readEvents(res, onEvent) {
  return readFrames(res, '\n\n', (frame) => {
    let event = 'message';
    let data = '';
    for (const line of frame.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data += line.slice(6);
    }
    if (data) onEvent(event, JSON.parse(data));
  }, false);
}
