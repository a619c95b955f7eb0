/** Structured JSON logs (pino). Secrets are redacted by path and masked inside every message. */
import pino, { type Logger } from 'pino';
import { maskDeep, maskSecrets, type CompiledMask } from '../detectors/secrets.js';
import { UNSET } from './config.js';

const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.password',
  '*.token',
  '*.apiKey',
  '*.api_key',
  '*.secret',
  'config.DATABASE_URL',
  'config.WARROOM_ADMIN_KEY',
  'config.WARROOM_API_KEY',
  'config.WARROOM_DB_APP_PASSWORD',
];

export function createLogger(level: string, masks: CompiledMask[], destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'warroom' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // A secret that is not set says so: "<:SECRET:>" in its place would read as if it were set.
      redact: { paths: REDACT, censor: (value, path) => (value === undefined || (path[0] === 'config' && value === UNSET) ? UNSET : '<:SECRET:>') },
      hooks: {
        // Mask free text too: a secret can hide in a message or an error, not only in known fields.
        logMethod(args, method) {
          const masked = args.map((a) => (typeof a === 'string' ? maskSecrets(a, masks) : a instanceof Error ? a : maskDeep(a, masks)));
          return method.apply(this, masked as Parameters<typeof method>);
        },
      },
      serializers: { err: (e: Error) => ({ type: e.name, message: maskSecrets(e.message, masks), stack: maskSecrets(e.stack ?? '', masks) }) },
    },
    destination,
  );
}
